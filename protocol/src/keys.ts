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

// The y coordinates (mod p) of the eight points of small order. A key with one of them could
// "sign" many messages at once, so it is never an identity.
const FIELD_PRIME = 2n ** 255n - 19n;
const SMALL_ORDER_Y = [
  0n,
  1n,
  FIELD_PRIME - 1n,
  0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n,
  0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n,
];

function littleEndian(n: bigint): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
}

// Every encoding of those points: y or, where it fits in 255 bits, y + p, each with either
// sign bit. Fourteen strings, so the test is one set lookup on the hex the key cache computes.
const SMALL_ORDER_HEX = new Set(
  SMALL_ORDER_Y.flatMap((y) => (y + FIELD_PRIME < 2n ** 255n ? [y, y + FIELD_PRIME] : [y]))
    .flatMap((y) => [y, y | (1n << 255n)])
    .map((y) => toHex(littleEndian(y))),
);

export function isSmallOrderEncoding(raw: PublicKeyBytes): boolean {
  return SMALL_ORDER_HEX.has(toHex(raw));
}

// Parsing a public key costs more than hashing a small object; authors repeat, so keep a few.
// A 32-byte string that is not a curve point parses here and fails every verification.
const parsed = new Map<string, PublicKey | null>();
const PARSED_CACHE_SIZE = 4096;

function parsePublicKey(raw: PublicKeyBytes): PublicKey | null {
  const key = toHex(raw);
  let value = parsed.get(key);
  if (value === undefined) {
    try {
      value = SMALL_ORDER_HEX.has(key) ? null : publicKeyFromRaw(raw);
      if (value && value.type !== 'Ed25519') value = null;
    } catch {
      value = null;
    }
    if (parsed.size >= PARSED_CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, value);
  }
  return value;
}

/**
 * A key fit to be an identity: 32 bytes that decode (strictly, as RFC 8032 says) to a curve
 * point not of small order. Full decoding costs a square root, so signature checks, which
 * fail on points off the curve anyway, use only the cheap small-order test.
 */
export function isValidPublicKey(raw: PublicKeyBytes): boolean {
  if (raw.length !== PUBLIC_KEY_LENGTH || parsePublicKey(raw) === null) return false;
  try {
    ed25519.Point.fromBytes(raw);
    return true;
  } catch {
    return false;
  }
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
