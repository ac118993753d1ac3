/**
 * The store's key layout, in one place (mirrored in packages/store/README.md).
 *
 * The store is one LevelDB at `<dataDir>/store`. Every kind of record lives in its own
 * sublevel (LevelDB key prefix `!name!`); keys and values are bytes. Protocol objects are
 * stored in their canonical encoding, so the bytes under a key hash to that key. Metadata
 * that is no protocol object uses the versioned records of records.ts.
 *
 * Notation: `‖` concatenates; `u64be` is a big-endian unsigned integer, so numeric
 * keys sort in numeric order; `()` is an empty value (the key is the information).
 *
 * A sublevel name or status byte that is retired is never reused: old stores must never be
 * read with a new meaning. Retired: `blob-chunk` and `blob-meta` (layout 1 kept blob
 * contents in LevelDB; since layout 2 they are files beside it, see blobs.ts).
 */
import { concatBytes, type Hash } from '@nightshift/protocol';

export const SUBLEVEL = {
  /** utf8(name) -> record: store-wide facts; `layout` -> LayoutRecord. */
  meta: 'meta',

  /** treeHash -> canonical tree bytes. */
  tree: 'tree',
  /** targetId -> canonical target bytes. */
  target: 'target',

  /** entryHash -> canonical entry bytes, for every stored entry (orphans included). */
  entry: 'entry',
  /** targetId ‖ u64be(height) ‖ entryHash -> (): every entry of a target, by height. */
  entryByHeight: 'entry-height',
  /** targetId ‖ u64be(height) -> entryHash: the canonical chain, genesis to head. */
  chain: 'chain',
  /** targetId -> entryHash: the canonical head (fork choice over every stored entry). */
  head: 'head',

  /** commitmentId -> canonical commitment bytes. */
  commitment: 'commitment',
  /** commitmentId -> ReceiptRecord: when this node first received the commitment. */
  commitmentReceipt: 'commitment-receipt',
  /** commitment value ‖ commitmentId -> (): finds the commitments a revealed tree opens. */
  commitmentByValue: 'commitment-value',

  /** candidateId -> canonical candidate bytes. */
  candidate: 'candidate',
  /** candidateId -> CandidateStatusRecord: status, reason code, times. */
  candidateStatus: 'candidate-status',
  /** u8(status byte) ‖ targetId ‖ candidateId -> (): candidates by status, then target. */
  candidateByStatus: 'candidate-by-status',

  /** attestationId -> canonical attestation bytes. */
  attestation: 'attestation',
  /** candidateId ‖ verifier key ‖ attestationId -> (): attestations of a candidate. */
  attestationByCandidate: 'attestation-by-candidate',

  /** author key -> ReputationRecord. */
  reputation: 'reputation',

  /** targetId ‖ u64be(n) -> JournalRecord: this node's worker's experiments, in order. */
  journal: 'journal',
} as const;

export type SublevelName = (typeof SUBLEVEL)[keyof typeof SUBLEVEL];

/** The layout version this code reads and writes; a store of another version is refused. */
export const LAYOUT_VERSION = 2;

/** Blobs are read in pieces of this size, so a large file never sits in one buffer. */
export const BLOB_CHUNK_BYTES = 1024 * 1024;

/** Candidate statuses as stored in index keys. */
export const STATUS_BYTE = {
  pending: 1,
  verifying: 2,
  accepted: 3,
  rejected: 4,
  stale: 5,
} as const;

export const EMPTY = new Uint8Array(0);

export function u64be(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a height: ${n}`);
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(n / 2 ** 32), false);
  view.setUint32(4, n >>> 0, false);
  return out;
}

export function readU64be(bytes: Uint8Array, offset: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 8);
  return view.getUint32(0, false) * 2 ** 32 + view.getUint32(4, false);
}

export const metaKey = (name: string): Uint8Array => new TextEncoder().encode(name);
export const heightPrefix = (target: Hash, height: number) => concatBytes([target, u64be(height)]);
export const entryByHeightKey = (target: Hash, height: number, entry: Hash) =>
  concatBytes([target, u64be(height), entry]);
export const chainKey = heightPrefix;
export const journalKey = (target: Hash, n: number) => concatBytes([target, u64be(n)]);
export const commitmentByValueKey = (value: Hash, id: Hash) => concatBytes([value, id]);
export const statusKey = (status: number, target: Hash, candidate: Hash) =>
  concatBytes([Uint8Array.of(status), target, candidate]);
export const attestationByCandidateKey = (candidate: Hash, verifier: Uint8Array, id: Hash) =>
  concatBytes([candidate, verifier, id]);

/** The range of keys that start with `prefix`, for iterators. */
export function prefixRange(prefix: Uint8Array): { gte: Uint8Array; lt?: Uint8Array } {
  // A copy: a Buffer's slice() would share memory, and the loop would change the prefix.
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return { gte: prefix, lt: end.subarray(0, i + 1) };
    }
  }
  return { gte: prefix };
}
