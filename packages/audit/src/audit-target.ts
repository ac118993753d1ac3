/**
 * The offline audit of one target's stored log. Every entry in the target's height index is
 * read back from its stored bytes and checked from scratch: the bytes hash to their key, they
 * decode, the index agrees with them, the parent is stored and valid, and protocol's
 * validateEntry passes (links, signatures, improvement, tolerance, quorum, credit; `now` is
 * Infinity, as times were checked on receipt). Then fork choice: the stored head must be
 * chooseHead over the valid entries, and the stored canonical chain the walk back from it.
 *
 * Entries are read in height order, holding decoded only one height at a time, so a long log
 * is audited in little memory.
 */
import {
  chooseHead,
  decodeEntry,
  decodeSigned,
  entryHashOfBytes,
  equalBytes,
  type Hash,
  hashHex,
  isProtocolError,
  type LogEntry,
  shortHash,
  TARGET,
  type Target,
  validateEntry,
  validateTarget,
  ZERO_HASH,
} from '@nightshift/protocol';
import type { IndexedEntry, Store } from '@nightshift/store';
import type { AuditCode } from './codes.ts';
import type { AuditFailure, AuditReport } from './report.ts';

/** What the auditor reads; a whole Store will do. */
export type AuditableStore = Pick<Store, 'targets' | 'entries'>;

/** What the audit learned of one entry, kept for every entry until fork choice. */
interface Checked {
  hash: Hash;
  height: number;
  prev: Hash;
  metric: number;
  valid: boolean;
}

export async function auditTarget(store: AuditableStore, targetId: Hash): Promise<AuditReport> {
  return auditTargetInto(store, targetId, new Set());
}

/** auditTarget, adding the hex hash of every indexed entry to `indexed` (for auditAll). */
export async function auditTargetInto(
  store: AuditableStore,
  targetId: Hash,
  indexed: Set<string>,
): Promise<AuditReport> {
  const failures: AuditFailure[] = [];
  const report = (fields: Partial<AuditReport>): AuditReport => ({
    target: targetId,
    entriesChecked: 0,
    validEntries: 0,
    ...fields,
    failures,
    ok: failures.length === 0,
  });

  const loaded = await loadTarget(store, targetId, failures);
  if (!loaded) {
    let stored = 0;
    for await (const { hash } of store.entries.indexed(targetId)) {
      indexed.add(hashHex(hash));
      stored += 1;
    }
    const detail = `no target with this id is stored (${stored} entries are indexed under it)`;
    if (failures.length === 0) failures.push({ code: 'unknown_target', detail });
    return report({ entriesChecked: stored });
  }
  const { target, name } = loaded;

  const checked = new Map<string, Checked>();
  let level = { height: -1, valid: new Map<string, LogEntry>() };
  let below = new Map<string, LogEntry>();
  let entriesChecked = 0;
  for await (const { height, hash, bytes } of withBytes(store, store.entries.indexed(targetId))) {
    indexed.add(hashHex(hash));
    entriesChecked += 1;
    if (height !== level.height) {
      below = height === level.height + 1 ? level.valid : new Map();
      level = { height, valid: new Map() };
    }
    let valid = true;
    const fail = (code: AuditCode, detail: string) => {
      valid = false;
      failures.push({ code, detail, entry: hash, height });
    };
    const entry = await checkEntry(bytes, target, targetId, hash, height, checked, below, fail);
    // An entry indexed twice (once wrongly) keeps what its first, lower index said of it.
    // Bytes that are not the entry's own still count as a (failed) entry for its children.
    if (!checked.has(hashHex(hash))) {
      const { prev, metric } = entry ?? { prev: ZERO_HASH, metric: Number.NaN };
      checked.set(hashHex(hash), { hash, height, prev, metric, valid });
      if (entry && valid) level.valid.set(hashHex(hash), entry);
    }
  }

  const validEntries = [...checked.values()].filter((c) => c.valid);
  const expected = chooseHead(validEntries, target.metric.direction);
  const head = await store.entries.headHash(targetId);
  if (!sameHash(head, expected?.hash)) {
    failures.push({
      code: 'head_not_best',
      detail: `stored head ${describeHash(head)}, fork choice picks ${describeHash(expected?.hash)}`,
      ...(head && { entry: head }),
    });
  }
  await checkChain(store, targetId, expected, checked, failures);
  return report({
    name,
    entriesChecked,
    validEntries: validEntries.length,
    ...(head && { head }),
    ...(head && checked.has(hashHex(head)) && { headHeight: checked.get(hashHex(head))!.height }),
    ...(expected && { expectedHead: expected.hash }),
  });
}

async function loadTarget(
  store: AuditableStore,
  targetId: Hash,
  failures: AuditFailure[],
): Promise<{ target: Target; name: string } | undefined> {
  const bytes = await store.targets.getBytes(targetId);
  if (!bytes) return undefined;
  try {
    const { value: target, id } = decodeSigned(TARGET, bytes);
    if (!equalBytes(id, targetId)) {
      failures.push({ code: 'hash_mismatch', detail: `target bytes hash to ${shortHash(id)}` });
    }
    const error = await validateTarget(target, { now: Number.POSITIVE_INFINITY, id });
    if (error) failures.push({ code: error.code, detail: `target: ${error.message}` });
    return { target, name: target.name };
  } catch (err) {
    if (!isProtocolError(err)) throw err;
    failures.push({ code: err.code, detail: `target: ${err.message}` });
    return undefined;
  }
}

/** The index, with each entry's stored bytes, read a batch at a time. */
async function* withBytes(store: AuditableStore, index: AsyncIterable<IndexedEntry>) {
  const BATCH = 256;
  let batch: IndexedEntry[] = [];
  const flush = async function* () {
    const bytes = await store.entries.getManyBytes(batch.map((e) => e.hash));
    for (const [i, e] of batch.entries()) yield { ...e, bytes: bytes[i] };
    batch = [];
  };
  for await (const e of index) {
    batch.push(e);
    if (batch.length === BATCH) yield* flush();
  }
  yield* flush();
}

/** Checks one indexed entry; returns it decoded when its bytes are its own (valid or not). */
async function checkEntry(
  bytes: Uint8Array | undefined,
  target: Target,
  targetId: Hash,
  hash: Hash,
  height: number,
  checked: ReadonlyMap<string, Checked>,
  below: ReadonlyMap<string, LogEntry>,
  fail: (code: AuditCode, detail: string) => void,
): Promise<LogEntry | undefined> {
  if (!bytes) return void fail('missing_entry', 'indexed, but no bytes are stored');
  const actual = entryHashOfBytes(bytes);
  if (!equalBytes(actual, hash)) {
    return void fail('hash_mismatch', `the stored bytes hash to ${shortHash(actual)}`);
  }
  let entry: LogEntry;
  try {
    entry = decodeEntry(bytes);
  } catch (err) {
    if (!isProtocolError(err)) throw err;
    return void fail(err.code, err.message);
  }
  if (!equalBytes(entry.target, targetId) || entry.height !== height) {
    fail('index_mismatch', `the entry is of target ${shortHash(entry.target)} at ${entry.height}`);
    return entry;
  }
  let parent: LogEntry | undefined;
  if (!equalBytes(entry.prev, ZERO_HASH)) {
    const known = checked.get(hashHex(entry.prev));
    if (!known) {
      fail('missing_parent', `parent ${shortHash(entry.prev)} is not stored under this target`);
      return entry;
    }
    if (!known.valid) {
      fail('invalid_parent', `parent ${shortHash(entry.prev)} failed the audit`);
      return entry;
    }
    parent = below.get(hashHex(entry.prev));
    if (!parent) {
      fail('bad_height', `parent ${shortHash(entry.prev)} is at height ${known.height}`);
      return entry;
    }
  }
  const error = await validateEntry(entry, { target, parent, now: Number.POSITIVE_INFINITY });
  if (error) fail(error.code, error.message);
  return entry;
}

/** The stored canonical chain must be, height by height, the walk back from `head`. */
async function checkChain(
  store: AuditableStore,
  targetId: Hash,
  head: Checked | undefined,
  checked: ReadonlyMap<string, Checked>,
  failures: AuditFailure[],
): Promise<void> {
  const expected = new Map<number, Hash>();
  for (let at = head; at; at = checked.get(hashHex(at.prev))) expected.set(at.height, at.hash);
  const seen = new Set<number>();
  for await (const { height, hash } of store.entries.canonical(targetId)) {
    seen.add(height);
    const want = expected.get(height);
    if (!sameHash(hash, want)) {
      failures.push({
        code: 'chain_mismatch',
        detail: `canonical at this height is ${shortHash(hash)}, expected ${describeHash(want)}`,
        entry: hash,
        height,
      });
    }
  }
  for (const [height, hash] of expected) {
    if (seen.has(height)) continue;
    failures.push({
      code: 'chain_mismatch',
      detail: `no canonical entry at this height, expected ${shortHash(hash)}`,
      height,
    });
  }
}

function sameHash(a: Hash | undefined, b: Hash | undefined): boolean {
  return a === undefined || b === undefined ? a === b : equalBytes(a, b);
}

function describeHash(hash: Hash | undefined): string {
  return hash ? shortHash(hash) : 'none';
}
