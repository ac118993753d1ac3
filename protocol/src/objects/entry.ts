import { decodeObject, defineObject, encodeObject } from '../codec/schema.ts';
import { type Hash, taggedHash } from '../hash.ts';
import { LIMITS } from '../limits.ts';
import { KIND, TAG, VERSION } from '../tags.ts';
import { type Attestation, attestationCodec } from './attestation.ts';
import { type Candidate, candidateCodec } from './candidate.ts';
import { type Commitment, commitmentCodec } from './commitment.ts';
import { F64, HASH, SALT, UINT } from './fields.ts';

/** The commitment credited with a candidate's tree, and the salt that opens it. */
export interface Credit {
  commitment: Commitment;
  salt: Uint8Array;
}

/**
 * An accepted commit: self-contained, so a chain can be checked offline with the target
 * alone. Not signed itself; its attestations are the proof. Its time is the latest
 * attestation's, so nodes that assemble the same quorum build the same entry.
 */
export interface LogEntry {
  target: Hash;
  height: number;
  /** Hash of the parent entry; ZERO_HASH at height 0. */
  prev: Hash;
  candidate: Candidate;
  /** The verified metric: the median of the attestations' metrics. */
  metric: number;
  credit: Credit;
  /** Sorted by verifier key, one per verifier. */
  attestations: Attestation[];
}

export const entryCodec = defineObject<LogEntry>({
  kind: KIND.entry,
  version: VERSION,
  name: 'entry',
  maxSize: LIMITS.entryBytes,
  fields: [
    { no: 1, name: 'target', type: HASH },
    { no: 2, name: 'height', type: UINT },
    { no: 3, name: 'prev', type: HASH },
    { no: 4, name: 'candidate', type: { type: 'object', codec: candidateCodec as never } },
    { no: 5, name: 'metric', type: F64 },
    {
      no: 6,
      name: 'credit',
      type: {
        type: 'struct',
        fields: [
          { no: 1, name: 'commitment', type: { type: 'object', codec: commitmentCodec as never } },
          { no: 2, name: 'salt', type: SALT },
        ],
      },
    },
    {
      no: 7,
      name: 'attestations',
      type: {
        type: 'list',
        max: LIMITS.maxVerifiers,
        sortKey: (a: Attestation) => a.verifier,
        of: { type: 'object', codec: attestationCodec as never },
      },
    },
  ],
});

export const encodeEntry = (entry: LogEntry): Uint8Array => encodeObject(entryCodec, entry);
export const decodeEntry = (bytes: Uint8Array): LogEntry => decodeObject(entryCodec, bytes);
export const entryHash = (entry: LogEntry): Hash => taggedHash(TAG.entry, encodeEntry(entry));
export const entryHashOfBytes = (bytes: Uint8Array): Hash => taggedHash(TAG.entry, bytes);

/** When the entry was assembled: its latest attestation's time. */
export function entryTime(entry: LogEntry): number {
  return Math.max(0, ...entry.attestations.map((a) => a.createdAt));
}
