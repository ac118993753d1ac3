/**
 * Metadata records: what the store keeps that is no protocol object (statuses, receipt
 * times, reputation). Each is UTF-8 JSON with a version field `v`; a reader
 * refuses a version or shape it does not know rather than guess. Protocol objects are never
 * stored this way: they keep their canonical encoding.
 */
import { StoreError } from './errors.ts';

export const RECORD_VERSION = 1;

export interface LayoutRecord {
  layout: number;
}

export interface ReceiptRecord {
  /** Local time of first receipt, in ms. */
  receivedAt: number;
}

export type CandidateStatus = 'pending' | 'verifying' | 'accepted' | 'rejected' | 'stale';

export interface CandidateStatusRecord {
  status: CandidateStatus;
  /** A reason code (`ok`, `not_improvement`, `run_timeout`, ...); empty while pending. */
  reason: string;
  /** Local time of first receipt, in ms. */
  receivedAt: number;
  /** Local time of the last status change, in ms. */
  updatedAt: number;
}

/** One experiment of this node's worker (see journal.ts). */
export interface JournalRecord {
  /** Its number, from 1, per target. */
  n: number;
  /** The tree it ran, and the log entry (the head) it was built on, as hex. */
  tree: string;
  parent: string;
  status: 'keep' | 'discard' | 'crash';
  /** The runner's reason code: `ok`, `run_timeout`, `no_metric`, ... */
  reason: string;
  metric?: number;
  seconds: number;
  description: string;
  /** The search-space settings it used, when the searcher says. */
  params?: Record<string, string>;
  /** Local time it finished, in ms. */
  at: number;
}

export interface ReputationRecord {
  /** Consecutive claims that verifiers confirmed, since the last failed one. */
  verified: number;
  /** Claims that failed verification in the current streak (since the last verified claim,
   *  or since a long quiet spell: the verifier's reputation policy decides). */
  failed: number;
  /** Local time of the last update, in ms; 0 when never updated. */
  updatedAt: number;
  /** Local time until which the author's candidates are refused; 0 when not banned. */
  bannedUntil: number;
}

/** A field's JSON type; `number?` may be absent, `strings` is an object of string values. */
type FieldType = 'number' | 'string' | 'number?' | 'strings?';
type Shape<T> = { [K in keyof T]-?: FieldType };

const SHAPES = {
  layout: { layout: 'number' } satisfies Shape<LayoutRecord>,
  receipt: { receivedAt: 'number' } satisfies Shape<ReceiptRecord>,
  candidateStatus: {
    status: 'string',
    reason: 'string',
    receivedAt: 'number',
    updatedAt: 'number',
  } satisfies Shape<CandidateStatusRecord>,
  journal: {
    n: 'number',
    tree: 'string',
    parent: 'string',
    status: 'string',
    reason: 'string',
    metric: 'number?',
    seconds: 'number',
    description: 'string',
    params: 'strings?',
    at: 'number',
  } satisfies Shape<JournalRecord>,
  reputation: {
    verified: 'number',
    failed: 'number',
    updatedAt: 'number',
    bannedUntil: 'number',
  } satisfies Shape<ReputationRecord>,
} as const;

export type RecordKind = keyof typeof SHAPES;

interface RecordTypes {
  layout: LayoutRecord;
  receipt: ReceiptRecord;
  candidateStatus: CandidateStatusRecord;
  reputation: ReputationRecord;
  journal: JournalRecord;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeRecord<K extends RecordKind>(kind: K, record: RecordTypes[K]): Uint8Array {
  const fields: Record<string, unknown> = { v: RECORD_VERSION };
  for (const name of Object.keys(SHAPES[kind])) {
    const value = (record as never)[name];
    if (value !== undefined) fields[name] = value;
  }
  return encoder.encode(JSON.stringify(fields));
}

export function decodeRecord<K extends RecordKind>(kind: K, bytes: Uint8Array): RecordTypes[K] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new StoreError('corrupt_record', `${kind}: not JSON`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new StoreError('corrupt_record', `${kind}: not an object`);
  }
  const fields = parsed as Record<string, unknown>;
  if (fields['v'] !== RECORD_VERSION) {
    throw new StoreError('corrupt_record', `${kind}: unknown version ${String(fields['v'])}`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(SHAPES[kind]) as [string, FieldType][]) {
    const value = fields[name];
    if (value === undefined && type.endsWith('?')) continue;
    if (!hasType(value, type)) throw new StoreError('corrupt_record', `${kind}: field ${name}`);
    out[name] = value;
  }
  return out as unknown as RecordTypes[K];
}

function hasType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'number':
    case 'number?':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'strings?':
      return (
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === 'string')
      );
  }
}
