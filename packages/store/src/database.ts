/**
 * The LevelDB underneath: one database, one sublevel per name in keys.ts, keys and values as
 * bytes. Repositories get the sublevels they need and write through `Batch`, whose operations
 * across sublevels commit atomically or not at all.
 */
import { mkdir } from 'node:fs/promises';
import { Level } from 'level';
import { StoreError } from './errors.ts';
import { SUBLEVEL } from './keys.ts';

/**
 * Bytes in, plain Uint8Array out: classic-level hands back Node Buffers, whose `slice` shares
 * memory and whose prototype differs; callers and decoders get ordinary views instead.
 */
const bytes = {
  name: 'nightshift-bytes',
  format: 'view' as const,
  encode: (data: Uint8Array): Uint8Array => data,
  decode: (data: Uint8Array): Uint8Array =>
    Object.getPrototypeOf(data) === Uint8Array.prototype
      ? data
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
};
const BYTES = { keyEncoding: bytes, valueEncoding: bytes };

export type RootDb = Level<Uint8Array, Uint8Array>;
export type Sublevel = ReturnType<typeof sublevelOf>;
export type Sublevels = { readonly [K in keyof typeof SUBLEVEL]: Sublevel };

function sublevelOf(db: RootDb, name: string) {
  return db.sublevel<Uint8Array, Uint8Array>(name, BYTES);
}

export interface Database {
  readonly db: RootDb;
  readonly sub: Sublevels;
}

/** Opens (creating if needed) the LevelDB at `path` with every sublevel of the layout. */
export async function openDatabase(path: string): Promise<Database> {
  await mkdir(path, { recursive: true });
  const db: RootDb = new Level<Uint8Array, Uint8Array>(path, BYTES);
  try {
    await db.open();
  } catch (cause) {
    const locked = (cause as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED';
    if (locked) throw new StoreError('store_locked', `${path} is in use`, { cause });
    throw cause;
  }
  const sub = Object.fromEntries(
    Object.entries(SUBLEVEL).map(([key, name]) => [key, sublevelOf(db, name)]),
  ) as unknown as Sublevels;
  return { db, sub };
}

/** Operations on several sublevels, written as one atomic LevelDB batch. */
export class Batch {
  private readonly batch;

  constructor(db: RootDb) {
    this.batch = db.batch();
  }

  put(sublevel: Sublevel, key: Uint8Array, value: Uint8Array): this {
    this.batch.put(key, value, { sublevel });
    return this;
  }

  del(sublevel: Sublevel, key: Uint8Array): this {
    this.batch.del(key, { sublevel });
    return this;
  }

  get length(): number {
    return this.batch.length;
  }

  write(): Promise<void> {
    return this.batch.write();
  }
}

/** Every key of `sublevel` in `range`, in key order. */
export async function* keysIn(
  sublevel: Sublevel,
  range: { gte?: Uint8Array; lt?: Uint8Array; limit?: number },
): AsyncIterable<Uint8Array> {
  for await (const key of sublevel.keys(range)) yield key;
}
