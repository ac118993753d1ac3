import { defineObject } from '../codec/schema.ts';
import { type Hash, taggedHash } from '../hash.ts';
import type { PublicKeyBytes } from '../keys.ts';
import { LIMITS } from '../limits.ts';
import { KIND, TAG, VERSION } from '../tags.ts';
import { HASH, KEY, SIGNATURE, TIME } from './fields.ts';
import type { Signed, SignedKind } from './signed.ts';

/**
 * A commitment to a candidate tree, gossiped before the candidate is revealed:
 * `value` = H(commitment-value tag, tree ‖ author ‖ salt). Credit for a tree goes to the
 * earliest commitment that opens to it, so copying a revealed candidate earns nothing.
 */
export interface Commitment extends Signed {
  target: Hash;
  author: PublicKeyBytes;
  value: Hash;
  createdAt: number;
}

export const commitmentCodec = defineObject<Commitment>({
  kind: KIND.commitment,
  version: VERSION,
  name: 'commitment',
  maxSize: LIMITS.commitmentBytes,
  fields: [
    { no: 1, name: 'target', type: HASH },
    { no: 2, name: 'author', type: KEY },
    { no: 3, name: 'value', type: HASH },
    { no: 4, name: 'createdAt', type: TIME },
    SIGNATURE,
  ],
});

export const COMMITMENT: SignedKind<Commitment> = {
  codec: commitmentCodec,
  tag: TAG.commitment,
  signer: (c) => c.author,
};

export function commitmentValue(tree: Hash, author: PublicKeyBytes, salt: Uint8Array): Hash {
  return taggedHash(TAG.commitmentValue, tree, author, salt);
}
