/**
 * What became of each candidate of a target on this verifier (issue 6 §2, §3): its status
 * and the reason code it was settled with, so its author sees why it went no further (a
 * failed precheck, a stale parent to rebase on, a rejected re-run). For status pages and the
 * HTTP API; reads the store's status index only.
 */
import type { Candidate, Hash } from '@nightshift/protocol';
import type { CandidateStatus, Store } from '@nightshift/store';

export interface CandidateStatusRow {
  id: Hash;
  candidate: Candidate;
  status: CandidateStatus;
  /** A reason code (`ok`, `stale_parent`, `reveal_too_early`, ...); empty while pending. */
  reason: string;
  receivedAt: number;
  updatedAt: number;
}

const STATUSES: readonly CandidateStatus[] = [
  'pending',
  'verifying',
  'accepted',
  'rejected',
  'stale',
];

/** The target's candidates with status and reason, most recently changed first. */
export async function candidateStatuses(
  store: Pick<Store, 'candidates'>,
  target: Hash,
  { limit = Number.POSITIVE_INFINITY }: { limit?: number } = {},
): Promise<CandidateStatusRow[]> {
  const rows: CandidateStatusRow[] = [];
  for (const status of STATUSES) {
    for await (const id of store.candidates.withStatus(status, target)) {
      const stored = await store.candidates.get(id);
      if (stored) rows.push(stored);
    }
  }
  rows.sort((a, b) => b.updatedAt - a.updatedAt || b.receivedAt - a.receivedAt);
  return rows.slice(0, limit);
}
