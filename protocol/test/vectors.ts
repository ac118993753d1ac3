/**
 * Reads the committed golden vectors (fixtures/vectors/*.json) and checks hashes and
 * signatures the long way round, with node:crypto alone, so the golden tests do not lean on
 * the code they check.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface SignedVector {
  name: string;
  comment: string;
  object: unknown;
  encoding: string;
  body: string;
  id: string;
  signer: { publicKey: string; seedLabel: string };
  signature: string;
}

export interface PlainVector {
  name: string;
  comment: string;
  object: unknown;
  encoding: string;
  hash?: string;
}

export interface HashVector {
  name: string;
  tag: string;
  parts: string[];
  encoding?: string;
  hash: string;
}

export function readVectors<T>(file: string): T[] {
  const url = new URL(`./fixtures/vectors/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { vectors: T[] }).vectors;
}

export const fromHexString = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text, 'hex'));

/** SHA-256(u8(len(tag)) ‖ tag ‖ parts…), as PROTOCOL.md states it. */
export function referenceTaggedHash(tag: string, parts: readonly Uint8Array[]): string {
  const h = createHash('sha256');
  h.update(Uint8Array.of(Buffer.byteLength(tag)));
  h.update(tag, 'utf8');
  for (const part of parts) h.update(part);
  return h.digest('hex');
}

/** Ed25519 verification by node:crypto, from the raw 32-byte public key. */
export function referenceVerify(publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array) {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
    format: 'jwk',
  });
  return verify(null, message, key, sig);
}
