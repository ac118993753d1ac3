import { utf8 } from '../bytes.ts';
import type { FieldType } from '../codec/schema.ts';
import { SIGNATURE_FIELD, SIGNATURE_LENGTH } from '../codec/schema.ts';
import { HASH_LENGTH } from '../hash.ts';
import { PUBLIC_KEY_LENGTH } from '../keys.ts';

/** Field types shared by several objects. */
export const HASH: FieldType = { type: 'fixed', length: HASH_LENGTH };
export const KEY: FieldType = { type: 'fixed', length: PUBLIC_KEY_LENGTH };
export const SALT: FieldType = { type: 'fixed', length: 32 };
export const UINT: FieldType = { type: 'uint' };
export const F64: FieldType = { type: 'f64' };
export const SIGNATURE = {
  no: SIGNATURE_FIELD,
  name: 'signature',
  type: { type: 'fixed', length: SIGNATURE_LENGTH },
} as const;

export const text = (max: number): FieldType => ({ type: 'string', max });

/** A list sorted by raw bytes (keys, hashes): strictly ascending, so also free of duplicates. */
export const sortedBytes = (of: FieldType, max: number): FieldType => ({
  type: 'list',
  of,
  max,
  sortKey: (item: Uint8Array) => item,
});

/** A list of strings sorted by their UTF-8 bytes, strictly ascending. */
export const sortedStrings = (maxLength: number, max: number): FieldType => ({
  type: 'list',
  of: { type: 'string', max: maxLength },
  max,
  sortKey: (item: string) => utf8(item),
});

/** A command line: the program and its arguments, never run through a shell. */
export const ARGV: FieldType = { type: 'list', of: { type: 'string', max: 4096 }, max: 256 };

/** Milliseconds since the Unix epoch, as stated by the object's signer. */
export const TIME: FieldType = UINT;
