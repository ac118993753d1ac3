import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from './bytes.ts';
import type { Tag } from './tags.ts';

export const HASH_LENGTH = 32;

/** A 32-byte SHA-256 digest. */
export type Hash = Uint8Array;

export const ZERO_HASH: Hash = new Uint8Array(HASH_LENGTH);

const prefixes = new Map<string, Uint8Array>();

function prefixOf(tag: Tag): Uint8Array {
  let prefix = prefixes.get(tag);
  if (!prefix) {
    const text = new TextEncoder().encode(tag);
    prefix = new Uint8Array(1 + text.length);
    prefix[0] = text.length;
    prefix.set(text, 1);
    prefixes.set(tag, prefix);
  }
  return prefix;
}

/** Domain-separated hash: SHA-256(u8(len(tag)) ‖ tag ‖ part₁ ‖ part₂ ‖ …). */
export function taggedHash(tag: Tag, ...parts: Uint8Array[]): Hash {
  const h = taggedHasher(tag);
  for (const part of parts) h.update(part);
  return h.digest();
}

export interface Hasher {
  update(data: Uint8Array): Hasher;
  digest(): Hash;
}

/** The same hash, fed in pieces: for content too large to hold at once (streamed blobs). */
export function taggedHasher(tag: Tag): Hasher {
  return sha256.create().update(prefixOf(tag));
}

/** Hashes print as lower-case hex; short forms are the first 12 digits. */
export function hashHex(hash: Hash): string {
  return toHex(hash);
}

export function shortHash(hash: Hash): string {
  return toHex(hash.subarray(0, 6));
}
