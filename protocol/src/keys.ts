import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import type { PrivateKey, PublicKey } from '@libp2p/interface';
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id';
import { ed25519 } from '@noble/curves/ed25519.js';
import { toHex } from './bytes.ts';

/**
 * Identities are Ed25519 keys, the same as libp2p's: an author or verifier is named in
 * objects by its raw 32-byte public key, and shown to people as its libp2p peer id.
 */
export const PUBLIC_KEY_LENGTH = 32;
export type PublicKeyBytes = Uint8Array;

// Parsing a public key costs more than hashing a small object; authors repeat, so keep a few.
const parsed = new Map<string, PublicKey | null>();
const PARSED_CACHE_SIZE = 4096;

function parsePublicKey(raw: PublicKeyBytes): PublicKey | null {
  const key = toHex(raw);
  let value = parsed.get(key);
  if (value === undefined) {
    try {
      // A key must decode to a curve point of large order: a small-order key could
      // "sign" many messages at once, and libp2p's parser does not look at the point.
      if (ed25519.Point.fromBytes(raw).isSmallOrder()) throw new Error('small order');
      value = publicKeyFromRaw(raw);
      if (value.type !== 'Ed25519') value = null;
    } catch {
      value = null;
    }
    if (parsed.size >= PARSED_CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, value);
  }
  return value;
}

export function isValidPublicKey(raw: PublicKeyBytes): boolean {
  return raw.length === PUBLIC_KEY_LENGTH && parsePublicKey(raw) !== null;
}

export async function verifySignature(
  raw: PublicKeyBytes,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const key = raw.length === PUBLIC_KEY_LENGTH ? parsePublicKey(raw) : null;
  if (!key || signature.length !== 64) return false;
  try {
    return await key.verify(message, signature);
  } catch {
    return false;
  }
}

export async function signMessage(key: PrivateKey, message: Uint8Array): Promise<Uint8Array> {
  if (key.type !== 'Ed25519') throw new TypeError('nightshift keys are Ed25519');
  // libp2p returns node:crypto's Buffer; a plain copy equals what decoding gives back.
  return Uint8Array.from(await key.sign(message));
}

export function publicKeyOf(key: PrivateKey): PublicKeyBytes {
  return key.publicKey.raw;
}

/** The libp2p peer id string (12D3KooW…) of a raw Ed25519 public key. */
export function peerIdOf(raw: PublicKeyBytes): string {
  const key = parsePublicKey(raw);
  if (!key) throw new TypeError('not an Ed25519 public key');
  return peerIdFromPublicKey(key).toString();
}

/** The raw public key inside an Ed25519 peer id string. */
export function publicKeyFromPeerId(peerId: string): PublicKeyBytes {
  const id = peerIdFromString(peerId);
  if (id.type !== 'Ed25519' || !id.publicKey) throw new TypeError('not an Ed25519 peer id');
  return id.publicKey.raw;
}
