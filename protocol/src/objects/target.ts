import { utf8 } from '../bytes.ts';
import { defineObject } from '../codec/schema.ts';
import type { Hash } from '../hash.ts';
import type { PublicKeyBytes } from '../keys.ts';
import { LIMITS } from '../limits.ts';
import { KIND, TAG, VERSION } from '../tags.ts';
import {
  ARGV,
  F64,
  HASH,
  KEY,
  SIGNATURE,
  sortedBytes,
  sortedStrings,
  TIME,
  text,
  UINT,
} from './fields.ts';
import type { Signed, SignedKind } from './signed.ts';

export type Direction = 'minimize' | 'maximize';

/** Where the score phase's output holds the metric. */
export interface MetricSpec {
  name: string;
  direction: Direction;
  /** `stdout-line`: the last match of `pattern` (a regular expression, group 1) in stdout;
   *  `json-file`: the number at key path `pattern` (dot-separated) in output file `file`. */
  source: 'stdout-line' | 'json-file';
  pattern: string;
  file?: string;
}

export interface Limits {
  wallSeconds: number;
  memoryMb: number;
  outputMb: number;
  processes: number;
}

/** One setting of the built-in searcher's space, found as `name = value` in `file`. */
export interface SearchParam {
  name: string;
  file: string;
  kind: 'int' | 'float' | 'log-float' | 'choice';
  min?: number;
  max?: number;
  choices: string[];
}

/** A researcher's signed search target: the manifest; the files are in `baseline`. */
export interface Target extends Signed {
  name: string;
  description: string;
  author: PublicKeyBytes;
  /** Tree hash of the baseline files: harness, mutable files, data, program.md. */
  baseline: Hash;
  /** Paths a candidate may change: a file path, or a directory prefix ending in `/`. */
  mutablePaths: string[];
  /** Paths only the score phase may read (held-out data); same form as mutablePaths. */
  heldOutPaths: string[];
  /** Path of the agent instructions in the baseline tree. */
  program: string;
  setup?: string[];
  run: string[];
  score: string[];
  metric: MetricSpec;
  limits: Limits;
  /** Hardware class verifiers must match, e.g. `cpu` or `gpu:a100-80gb`. */
  hardware: string;
  /** Smallest improvement worth an entry, in metric units; above the metric's noise. */
  minDelta: number;
  /** How far a verifier's measurement may differ from the claim, in metric units. */
  tolerance: number;
  /** Verification runs per attestation; the attested metric is their median. */
  runs: number;
  verifiers: PublicKeyBytes[];
  quorum: number;
  /** How long a commitment must precede its candidate's reveal. */
  revealDelayMs: number;
  searchSpace: SearchParam[];
  createdAt: number;
  /**
   * The candidate's predictor, for harnesses that need the candidate's model to answer step
   * by step: run in its own sandbox without the held-out data, joined to the score phase by
   * pipes (PROTOCOL.md §5.1, "Sandbox contract").
   */
  predict?: string[];
}

const pathList = sortedStrings(LIMITS.pathBytes, 64);

export const targetCodec = defineObject<Target>({
  kind: KIND.target,
  version: VERSION,
  name: 'target',
  maxSize: LIMITS.targetBytes,
  fields: [
    { no: 1, name: 'name', type: text(64) },
    { no: 2, name: 'description', type: text(4096) },
    { no: 3, name: 'author', type: KEY },
    { no: 4, name: 'baseline', type: HASH },
    { no: 5, name: 'mutablePaths', type: pathList },
    { no: 6, name: 'heldOutPaths', type: pathList },
    { no: 7, name: 'program', type: text(LIMITS.pathBytes) },
    { no: 8, name: 'setup', type: ARGV, optional: true },
    { no: 9, name: 'run', type: ARGV },
    { no: 10, name: 'score', type: ARGV },
    {
      no: 11,
      name: 'metric',
      type: {
        type: 'struct',
        fields: [
          { no: 1, name: 'name', type: text(64) },
          { no: 2, name: 'direction', type: { type: 'enum', values: ['minimize', 'maximize'] } },
          { no: 3, name: 'source', type: { type: 'enum', values: ['stdout-line', 'json-file'] } },
          { no: 4, name: 'pattern', type: text(1024) },
          { no: 5, name: 'file', type: text(LIMITS.pathBytes), optional: true },
        ],
      },
    },
    {
      no: 12,
      name: 'limits',
      type: {
        type: 'struct',
        fields: [
          { no: 1, name: 'wallSeconds', type: UINT },
          { no: 2, name: 'memoryMb', type: UINT },
          { no: 3, name: 'outputMb', type: UINT },
          { no: 4, name: 'processes', type: UINT },
        ],
      },
    },
    { no: 13, name: 'hardware', type: text(64) },
    { no: 14, name: 'minDelta', type: F64 },
    { no: 15, name: 'tolerance', type: F64 },
    { no: 16, name: 'runs', type: UINT },
    { no: 17, name: 'verifiers', type: sortedBytes(KEY, LIMITS.maxVerifiers) },
    { no: 18, name: 'quorum', type: UINT },
    { no: 19, name: 'revealDelayMs', type: UINT },
    {
      no: 20,
      name: 'searchSpace',
      type: {
        type: 'list',
        max: 64,
        sortKey: (p: SearchParam) => utf8(p.name),
        of: {
          type: 'struct',
          fields: [
            { no: 1, name: 'name', type: text(64) },
            { no: 2, name: 'file', type: text(LIMITS.pathBytes) },
            {
              no: 3,
              name: 'kind',
              type: { type: 'enum', values: ['int', 'float', 'log-float', 'choice'] },
            },
            { no: 4, name: 'min', type: F64, optional: true },
            { no: 5, name: 'max', type: F64, optional: true },
            { no: 6, name: 'choices', type: { type: 'list', of: text(256), max: 64 } },
          ],
        },
      },
    },
    { no: 21, name: 'createdAt', type: TIME },
    { no: 22, name: 'predict', type: ARGV, optional: true },
    SIGNATURE,
  ],
});

export const TARGET: SignedKind<Target> = {
  codec: targetCodec,
  tag: TAG.target,
  signer: (t) => t.author,
};
