import { defineObject } from '../codec/schema.ts';
import type { Hash } from '../hash.ts';
import type { PublicKeyBytes } from '../keys.ts';
import { LIMITS } from '../limits.ts';
import { KIND, TAG, VERSION } from '../tags.ts';
import { F64, HASH, KEY, SALT, SIGNATURE, TIME, text, UINT } from './fields.ts';
import type { Signed, SignedKind } from './signed.ts';

/** The search effort behind a candidate, as its author reports it (shown, never trusted). */
export interface Effort {
  experiments: number;
  seconds: number;
}

/** A claimed improvement: a new tree on top of a parent entry, with the metric it claims. */
export interface Candidate extends Signed {
  target: Hash;
  /** The log entry this candidate builds on; ZERO_HASH for a target's baseline (entry 0). */
  parent: Hash;
  tree: Hash;
  /** Opens the author's commitment: H(tree ‖ author ‖ salt). */
  salt: Uint8Array;
  claim: number;
  effort: Effort;
  description: string;
  author: PublicKeyBytes;
  createdAt: number;
}

export const candidateCodec = defineObject<Candidate>({
  kind: KIND.candidate,
  version: VERSION,
  name: 'candidate',
  maxSize: LIMITS.candidateBytes,
  fields: [
    { no: 1, name: 'target', type: HASH },
    { no: 2, name: 'parent', type: HASH },
    { no: 3, name: 'tree', type: HASH },
    { no: 4, name: 'salt', type: SALT },
    { no: 5, name: 'claim', type: F64 },
    {
      no: 6,
      name: 'effort',
      type: {
        type: 'struct',
        fields: [
          { no: 1, name: 'experiments', type: UINT },
          { no: 2, name: 'seconds', type: UINT },
        ],
      },
    },
    { no: 7, name: 'description', type: text(LIMITS.descriptionBytes) },
    { no: 8, name: 'author', type: KEY },
    { no: 9, name: 'createdAt', type: TIME },
    SIGNATURE,
  ],
});

export const CANDIDATE: SignedKind<Candidate> = {
  codec: candidateCodec,
  tag: TAG.candidate,
  signer: (c) => c.author,
};
