import { utf8 } from '../bytes.ts';
import { defineObject } from '../codec/schema.ts';
import type { Hash } from '../hash.ts';
import type { PublicKeyBytes } from '../keys.ts';
import { LIMITS } from '../limits.ts';
import { KIND, TAG, VERSION } from '../tags.ts';
import { F64, HASH, KEY, SIGNATURE, TIME, text, UINT } from './fields.ts';
import type { Signed, SignedKind } from './signed.ts';

export type Verdict = 'accept' | 'reject';

/** What a verifier ran, so anyone can repeat it and compare. */
export interface Receipt {
  tree: Hash;
  /** Hash of the immutable harness files of the tree. */
  harness: Hash;
  /** Hash of the data files the runs read. */
  data: Hash;
  /** The run seed, derived from the parent entry hash (rules/seed.ts). */
  seed: Hash;
  environment: string;
  runner: string;
}

export interface NamedMetric {
  name: string;
  value: number;
}

/** A verifier's signed verdict on a candidate. */
export interface Attestation extends Signed {
  target: Hash;
  candidate: Hash;
  verifier: PublicKeyBytes;
  verdict: Verdict;
  /** `ok` for accept; otherwise a reason code such as `not_improvement` or `run_timeout`. */
  reason: string;
  /** Median of `runs`; absent when no run produced a metric. */
  metric?: number;
  runs: number[];
  extra: NamedMetric[];
  runtimeMs: number;
  /** Id of the commitment this verifier credits for the candidate's tree. */
  credit: Hash;
  receipt: Receipt;
  createdAt: number;
}

export const attestationCodec = defineObject<Attestation>({
  kind: KIND.attestation,
  version: VERSION,
  name: 'attestation',
  maxSize: LIMITS.attestationBytes,
  fields: [
    { no: 1, name: 'target', type: HASH },
    { no: 2, name: 'candidate', type: HASH },
    { no: 3, name: 'verifier', type: KEY },
    { no: 4, name: 'verdict', type: { type: 'enum', values: ['accept', 'reject'] } },
    { no: 5, name: 'reason', type: text(64) },
    { no: 6, name: 'metric', type: F64, optional: true },
    { no: 7, name: 'runs', type: { type: 'list', of: F64, max: LIMITS.maxRuns } },
    {
      no: 8,
      name: 'extra',
      type: {
        type: 'list',
        max: LIMITS.maxMetrics,
        sortKey: (m: NamedMetric) => utf8(m.name),
        of: {
          type: 'struct',
          fields: [
            { no: 1, name: 'name', type: text(64) },
            { no: 2, name: 'value', type: F64 },
          ],
        },
      },
    },
    { no: 9, name: 'runtimeMs', type: UINT },
    { no: 10, name: 'credit', type: HASH },
    {
      no: 11,
      name: 'receipt',
      type: {
        type: 'struct',
        fields: [
          { no: 1, name: 'tree', type: HASH },
          { no: 2, name: 'harness', type: HASH },
          { no: 3, name: 'data', type: HASH },
          { no: 4, name: 'seed', type: HASH },
          { no: 5, name: 'environment', type: text(256) },
          { no: 6, name: 'runner', type: text(64) },
        ],
      },
    },
    { no: 12, name: 'createdAt', type: TIME },
    SIGNATURE,
  ],
});

export const ATTESTATION: SignedKind<Attestation> = {
  codec: attestationCodec,
  tag: TAG.attestation,
  signer: (a) => a.verifier,
};
