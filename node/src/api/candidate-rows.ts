// A target's candidates as the API shows them: where each stands in verification and why,
// listed by the verifier's own `candidateStatuses` (newest change first).
import { hashHex } from '@nightshift/protocol';
import type { CandidateStatus } from '@nightshift/store';
import type { CandidateStatusRow } from '@nightshift/verifier';
import { keyView } from '../views/index.ts';

export const CANDIDATE_STATUSES: readonly CandidateStatus[] = [
  'pending',
  'verifying',
  'accepted',
  'rejected',
  'stale',
];

export function candidateRow(row: CandidateStatusRow) {
  const { candidate } = row;
  return {
    id: hashHex(row.id),
    status: row.status,
    reason: row.reason,
    receivedAt: row.receivedAt,
    updatedAt: row.updatedAt,
    parent: hashHex(candidate.parent),
    tree: hashHex(candidate.tree),
    claim: candidate.claim,
    description: candidate.description,
    author: keyView(candidate.author),
    effort: { experiments: candidate.effort.experiments, seconds: candidate.effort.seconds },
    createdAt: candidate.createdAt,
  };
}
