import type { PrivateKey } from '@libp2p/interface';
import {
  type Decoded,
  decodeObjectWithBody,
  encodeObject,
  type ObjectCodec,
} from '../codec/schema.ts';
import { type Hash, taggedHash } from '../hash.ts';
import { type PublicKeyBytes, signMessage, verifySignature } from '../keys.ts';
import type { Tag } from '../tags.ts';

/**
 * Signed objects: the id is H(tag, body) where the body is the canonical encoding without
 * the signature field, and the signature is Ed25519 over the id. The tag in the id makes
 * every signature domain-separated by object kind.
 */
export interface Signed {
  signature: Uint8Array;
}

export type Unsigned<T extends Signed> = Omit<T, 'signature'>;

export interface SignedKind<T extends Signed> {
  codec: ObjectCodec<T>;
  tag: Tag;
  /** Who signs this kind of object. */
  signer(value: T): PublicKeyBytes;
}

export function encodeSigned<T extends Signed>(kind: SignedKind<T>, value: T): Uint8Array {
  return encodeObject(kind.codec, value);
}

export function idOf<T extends Signed>(kind: SignedKind<T>, value: Unsigned<T> | T): Hash {
  const body = encodeObject(kind.codec, value as T, { omitSignature: true });
  return taggedHash(kind.tag, body);
}

export async function signObject<T extends Signed>(
  kind: SignedKind<T>,
  unsigned: Unsigned<T>,
  key: PrivateKey,
): Promise<T> {
  const signature = await signMessage(key, idOf(kind, unsigned));
  return { ...unsigned, signature } as T;
}

/** A decoded signed object with its id, computed once from the received bytes. */
export interface Received<T> {
  value: T;
  id: Hash;
}

export function decodeSigned<T extends Signed>(
  kind: SignedKind<T>,
  bytes: Uint8Array,
): Received<T> {
  const { value, body }: Decoded<T> = decodeObjectWithBody(kind.codec, bytes);
  return { value, id: taggedHash(kind.tag, body) };
}

export function hasValidSignature<T extends Signed>(
  kind: SignedKind<T>,
  value: T,
  id: Hash = idOf(kind, value),
): Promise<boolean> {
  return verifySignature(kind.signer(value), id, value.signature);
}
