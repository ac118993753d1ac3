// The log of a target as rows, for `nightshift log`, export-git and the API: the canonical
// chain from entry 0 to the head (PROTOCOL.md §7.7), and apart from it the orphaned entries,
// every stored entry that is not on it (rule 6: nothing is deleted, so they stay visible).
import {
  CANDIDATE,
  entryTime,
  type Hash,
  hashHex,
  idOf,
  isBetter,
  type LogEntry,
  type Target,
} from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { type KeyView, keyView } from './keys.ts';

export type ChainStore = Pick<Store, 'entries' | 'targets'>;

export interface VerifierView extends KeyView {
  /** The metric this verifier measured (its attestation's median). */
  metric: number | null;
}

export interface EntryRow {
  height: number;
  /** The entry hash, 64 hex digits (shorten to 12 for display, PROTOCOL.md §3.6). */
  hash: string;
  /** The parent entry hash; null for entry 0. */
  parent: string | null;
  /** The verified metric. */
  metric: number;
  /** metric − parent's metric; null for entry 0. */
  change: number | null;
  /** Whether the change goes the target's way (lower when minimizing); null for entry 0. */
  improved: boolean | null;
  author: KeyView;
  /** The accepting verifiers, sorted by key as the entry holds them. */
  verifiers: VerifierView[];
  /** The candidate's one-line description. */
  description: string;
  /** When the entry was assembled (its latest attestation), ms since the epoch. */
  time: number;
  /** The candidate's tree hash. */
  tree: string;
  /** The candidate id. */
  candidate: string;
  /** The author's search effort, as reported (shown, never trusted). */
  effort: { experiments: number; seconds: number };
  /** Whether the entry is on the canonical chain. */
  canonical: boolean;
}

export interface TargetSummary {
  id: string;
  name: string;
  metric: { name: string; direction: Target['metric']['direction'] };
  minDelta: number;
  tolerance: number;
}

export interface ChainView {
  target: TargetSummary;
  /** The canonical head's hash; null when the target has no entries yet. */
  head: string | null;
  /** The canonical chain, entry 0 first. */
  entries: EntryRow[];
  /** Stored entries off the canonical chain, by height then hash (empty unless asked for). */
  orphans: EntryRow[];
}

export interface ChainViewOptions {
  /** Also list the orphaned entries (they cost a scan of every stored entry). */
  orphans?: boolean;
}

export function targetSummary(id: Hash, target: Target): TargetSummary {
  return {
    id: hashHex(id),
    name: target.name,
    metric: { name: target.metric.name, direction: target.metric.direction },
    minDelta: target.minDelta,
    tolerance: target.tolerance,
  };
}

/** The chain of a stored target; undefined when the target is not stored. */
export async function chainView(
  store: ChainStore,
  targetId: Hash,
  options: ChainViewOptions = {},
): Promise<ChainView | undefined> {
  const target = await store.targets.get(targetId);
  if (!target) return undefined;
  const direction = target.metric.direction;
  const canonical: { hash: Hash; entry: LogEntry }[] = [];
  for await (const { hash } of store.entries.canonical(targetId)) {
    const entry = await store.entries.get(hash);
    if (entry) canonical.push({ hash, entry });
  }
  const onChain = new Set(canonical.map(({ hash }) => hashHex(hash)));
  const entries = canonical.map(({ hash, entry }, i) =>
    entryRow(hash, entry, i > 0 ? canonical[i - 1]!.entry.metric : undefined, direction, true),
  );
  const orphans: EntryRow[] = [];
  if (options.orphans) {
    for await (const { hash } of store.entries.indexed(targetId)) {
      if (onChain.has(hashHex(hash))) continue;
      const entry = await store.entries.get(hash);
      if (!entry) continue;
      const parent = entry.height > 0 ? await store.entries.get(entry.prev) : undefined;
      orphans.push(entryRow(hash, entry, parent?.metric, direction, false));
    }
  }
  const head = await store.entries.head(targetId);
  return {
    target: targetSummary(targetId, target),
    head: head ? hashHex(head.head) : null,
    entries,
    orphans,
  };
}

/** One stored entry as a row (its parent read for the change); undefined when not stored. */
export async function entryView(store: ChainStore, hash: Hash): Promise<EntryRow | undefined> {
  const entry = await store.entries.get(hash);
  if (!entry) return undefined;
  const direction = (await store.targets.direction(entry.target)) ?? 'minimize';
  const parent = entry.height > 0 ? await store.entries.get(entry.prev) : undefined;
  const canonicalHash = await store.entries.canonicalAt(entry.target, entry.height);
  const canonical = canonicalHash !== undefined && hashHex(canonicalHash) === hashHex(hash);
  return entryRow(hash, entry, parent?.metric, direction, canonical);
}

export function entryRow(
  hash: Hash,
  entry: LogEntry,
  parentMetric: number | undefined,
  direction: Target['metric']['direction'],
  canonical: boolean,
): EntryRow {
  const { candidate } = entry;
  const change = parentMetric === undefined ? null : entry.metric - parentMetric;
  return {
    height: entry.height,
    hash: hashHex(hash),
    parent: entry.height === 0 ? null : hashHex(entry.prev),
    metric: entry.metric,
    change,
    improved: parentMetric === undefined ? null : isBetter(entry.metric, parentMetric, direction),
    author: keyView(candidate.author),
    verifiers: entry.attestations.map((a) => ({
      ...keyView(a.verifier),
      metric: a.metric ?? null,
    })),
    description: candidate.description,
    time: entryTime(entry),
    tree: hashHex(candidate.tree),
    candidate: hashHex(idOf(CANDIDATE, candidate)),
    effort: { experiments: candidate.effort.experiments, seconds: candidate.effort.seconds },
    canonical,
  };
}
