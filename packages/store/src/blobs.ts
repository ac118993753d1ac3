/**
 * Blobs: file contents, content-addressed by `blobHash`, kept as plain files under
 * `<dataDir>/blobs/` (named by hash, like git's objects), not in LevelDB: a 100 MB file in
 * 1 MiB LevelDB values was written several times over by compaction and capped a fetch at
 * about 150 MiB/s (BENCHMARKS.md, "Blob fetch"), and a runner can copy a file, not a value.
 *
 * A blob is written to `incoming/`, hashed as it arrives, flushed to disk and only then
 * renamed to its name: a blob exists once its file has its name, and the file under a name
 * always holds the content of that hash. A write interrupted by a crash leaves a file in
 * `incoming/`, which the next open clears.
 */

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { blobHash, equalBytes, type Hash, type Hasher, hashHex, TAG } from '@nightshift/protocol';
import { StoreError } from './errors.ts';
import { BLOB_CHUNK_BYTES } from './keys.ts';
import { KeyedMutex } from './mutex.ts';

/** The blob directory inside a node's data directory. */
export const BLOBS_DIR = 'blobs';
const INCOMING = 'incoming';

/** Bytes handed to the disk but not yet written, per blob being written: enough to keep the
 *  disk busy while the next pieces arrive, small enough to bound memory. */
const WRITE_AHEAD_BYTES = 8 * BLOB_CHUNK_BYTES;

const BLOB_TAG_PREFIX = (() => {
  const tag = new TextEncoder().encode(TAG.blob);
  return Uint8Array.of(tag.length, ...tag);
})();

/**
 * An incremental blobHash, for content that arrives in pieces: the same digest as
 * protocol's, SHA-256(u8(len(tag)) ‖ tag ‖ content), but from node:crypto, which hashes large
 * files about twice as fast as the portable JavaScript one (BENCHMARKS.md, "Blob fetch").
 */
export function blobHasher(): Hasher {
  const hash = createHash('sha256').update(BLOB_TAG_PREFIX);
  const hasher: Hasher = {
    update(data) {
      hash.update(data);
      return hasher;
    },
    digest: () => new Uint8Array(hash.digest()),
  };
  return hasher;
}

export interface BlobStat {
  size: number;
}

export interface BlobReadOptions {
  /** Only `length` bytes from `offset` (cut at the blob's end). */
  range?: { offset: number; length: number };
  /** The largest piece to yield; BLOB_CHUNK_BYTES unless set. */
  pieceBytes?: number;
}

export class BlobRepository {
  /** Writes of one blob run one at a time: a second writer finds the first one's file. */
  private readonly writing = new KeyedMutex();

  private constructor(private readonly dir: string) {}

  /** Opens the blob directory of `dataDir`, clearing what a crash left half-written. */
  static async open(dataDir: string): Promise<BlobRepository> {
    const dir = join(dataDir, BLOBS_DIR);
    await rm(join(dir, INCOMING), { recursive: true, force: true });
    await mkdir(join(dir, INCOMING), { recursive: true });
    return new BlobRepository(dir);
  }

  /** Stores `content`; returns its blob hash. */
  async put(content: Uint8Array): Promise<Hash> {
    const hash = blobHash(content);
    await this.write(hash, [content]);
    return hash;
  }

  /**
   * Streams content into the blob `expected` (as when fetched from a peer who named it).
   * Fails with `hash_mismatch`, leaving no blob, when the content hashes to anything else.
   * Pieces go to the disk while later ones arrive, so a piece must not be changed after it
   * is yielded. When the blob is already stored, `source` is not read: check `has` first.
   */
  async write(
    expected: Hash,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<BlobStat> {
    return this.writing.run(hashHex(expected), async () => {
      const existing = await this.stat(expected);
      return existing ?? (await this.writeFile(expected, source));
    });
  }

  private async writeFile(
    expected: Hash,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<BlobStat> {
    const incoming = join(
      this.dir,
      INCOMING,
      `${hashHex(expected)}.${randomBytes(6).toString('hex')}`,
    );
    const file = await open(incoming, 'wx', 0o644);
    const hasher = blobHasher();
    const writes = new WriteAhead(file);
    try {
      for await (const piece of source) {
        hasher.update(piece);
        await writes.append(piece);
      }
      await writes.finish();
      if (!equalBytes(hasher.digest(), expected)) {
        throw new StoreError('hash_mismatch', `content is not blob ${hashHex(expected)}`);
      }
      // On disk before it has its name: a name never points at content a power cut lost.
      await file.datasync();
      await file.close();
      const path = this.pathOf(expected);
      await mkdir(join(path, '..'), { recursive: true });
      await rename(incoming, path);
      return { size: writes.size };
    } catch (err) {
      await writes.finish().catch(() => undefined);
      await file.close().catch(() => undefined);
      await unlink(incoming).catch(() => undefined);
      throw err;
    }
  }

  async stat(hash: Hash): Promise<BlobStat | undefined> {
    try {
      const { size } = await stat(this.pathOf(hash));
      return { size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async has(hash: Hash): Promise<boolean> {
    return (await this.stat(hash)) !== undefined;
  }

  /** The blob's file, for a reader that copies or links it; undefined when not stored. */
  async path(hash: Hash): Promise<string | undefined> {
    return (await this.has(hash)) ? this.pathOf(hash) : undefined;
  }

  /**
   * The blob's content (or a range of it) in pieces, read ahead of the consumer; undefined
   * when the blob is not stored.
   */
  async read(
    hash: Hash,
    { range, pieceBytes = BLOB_CHUNK_BYTES }: BlobReadOptions = {},
  ): Promise<AsyncIterable<Uint8Array> | undefined> {
    const meta = await this.stat(hash);
    if (!meta) return undefined;
    const start = Math.min(range?.offset ?? 0, meta.size);
    const end = Math.min(range ? start + range.length : meta.size, meta.size);
    if (end <= start) return (async function* () {})();
    return createReadStream(this.pathOf(hash), {
      start,
      end: end - 1,
      highWaterMark: pieceBytes,
    }) as AsyncIterable<Uint8Array>;
  }

  /** The whole blob in one buffer: for small files; stream large ones with `read`. */
  async get(hash: Hash): Promise<Uint8Array | undefined> {
    try {
      const bytes = await readFile(this.pathOf(hash));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** `blobs/ab/abcdef…`: a level of 256 directories keeps each one small. */
  private pathOf(hash: Hash): string {
    const hex = hashHex(hash);
    return join(this.dir, hex.slice(0, 2), hex);
  }
}

/**
 * Positional writes to one file, several in flight at once (up to WRITE_AHEAD_BYTES), so
 * the disk works on earlier pieces while the caller receives and hashes later ones.
 */
class WriteAhead {
  size = 0;
  private readonly inFlight: { done: Promise<unknown>; bytes: number }[] = [];
  private inFlightBytes = 0;

  constructor(private readonly file: FileHandle) {}

  async append(piece: Uint8Array): Promise<void> {
    if (piece.length === 0) return;
    const done = this.file.write(piece, 0, piece.length, this.size).then(({ bytesWritten }) => {
      if (bytesWritten !== piece.length)
        throw new Error(`wrote ${bytesWritten} of ${piece.length}`);
    });
    // Awaited in order below; this keeps a failing write from being an unhandled rejection.
    done.catch(() => undefined);
    this.inFlight.push({ done, bytes: piece.length });
    this.inFlightBytes += piece.length;
    this.size += piece.length;
    while (this.inFlightBytes > WRITE_AHEAD_BYTES) await this.settleOldest();
  }

  async finish(): Promise<void> {
    while (this.inFlight.length > 0) await this.settleOldest();
  }

  private async settleOldest(): Promise<void> {
    const oldest = this.inFlight.shift()!;
    this.inFlightBytes -= oldest.bytes;
    await oldest.done;
  }
}
