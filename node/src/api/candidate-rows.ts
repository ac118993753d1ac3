// A target's candidates with where each stands in verification, read from the store's
// status index (the verifier keeps it current), newest first.
import { type Hash, hashHex } from '@nightshift/protocol';
import type { CandidateStatus, Store, StoredCandidate } from '@nightshift/store';
import { keyView } from '../views/index.ts';

export const CANDIDATE_STATUSES: readonly CandidateStatus[] = [
  'pending',
  'verifying',
  'accepted',
  'rejected',
  'stale',
];

type Candidates = Pick<Store, 'candidates'>;

/** The stored candidates of a target in the given statuses, by last change, newest first. */
export async function storedCandidates(
  store: Candidates,
  target: Hash,
  statuses: readonly CandidateStatus[] = CANDIDATE_STATUSES,
): Promise<StoredCandidate[]> {
  const out: StoredCandidate[] = [];
  for (const status of statuses) {
    for await (const id of store.candidates.withStatus(status, target)) {
      const stored = await store.candidates.get(id);
      if (stored) out.push(stored);
    }
  }
  return out.sort((a, b) => b.updatedAt - a.updatedAt);
}

export function candidateRow(stored: StoredCandidate) {
  const { candidate } = stored;
  return {
    id: hashHex(stored.id),
    status: stored.status,
    reason: stored.reason,
    receivedAt: stored.receivedAt,
    updatedAt: stored.updatedAt,
    parent: hashHex(candidate.parent),
    tree: hashHex(candidate.tree),
    claim: candidate.claim,
    description: candidate.description,
    author: keyView(candidate.author),
    effort: { experiments: candidate.effort.experiments, seconds: candidate.effort.seconds },
    createdAt: candidate.createdAt,
  };
}
