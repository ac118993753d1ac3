/**
 * Quorum and entries (issue 6 §5; DESIGN.md rule 3): once `quorum` distinct verifiers of the
 * target accepted a candidate and credited the same commitment, the entry is assembled from
 * their attestations; its metric is their median. Of more accepting attestations than the
 * quorum, the ones of the lowest verifier keys are taken, so that verifiers which saw the
 * same attestations assemble the same entry.
 */
import {
  type Attestation,
  type Candidate,
  compareBytes,
  equalBytes,
  type Hash,
  type LogEntry,
  median,
  type Target,
  ZERO_HASH,
} from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import type { Credit } from './credit.ts';

export interface EntryParent {
  hash: Hash;
  height: number;
}

/** The entry, or undefined while fewer than `quorum` verifiers accepted with this credit. */
export async function assembleEntry(
  store: Pick<Store, 'attestations'>,
  target: Target,
  candidate: { value: Candidate; id: Hash },
  credit: Credit,
  parent: EntryParent | undefined,
): Promise<LogEntry | undefined> {
  const byVerifier = new Map<string, Attestation>();
  for (const { attestation } of await store.attestations.byCandidate(candidate.id)) {
    if (attestation.verdict !== 'accept') continue;
    if (!equalBytes(attestation.credit, credit.commitmentId)) continue;
    const key = Buffer.from(attestation.verifier).toString('hex');
    // One per verifier: the earliest it signed.
    const held = byVerifier.get(key);
    if (!held || attestation.createdAt < held.createdAt) byVerifier.set(key, attestation);
  }
  const quorum = Math.max(1, target.quorum);
  if (byVerifier.size < quorum) return undefined;
  const attestations = [...byVerifier.values()]
    .sort((a, b) => compareBytes(a.verifier, b.verifier))
    .slice(0, quorum);
  return {
    target: candidate.value.target,
    height: parent ? parent.height + 1 : 0,
    prev: parent?.hash ?? ZERO_HASH,
    candidate: candidate.value,
    metric: median(attestations.map((a) => a.metric!)),
    credit: { commitment: credit.commitment, salt: credit.salt },
    attestations,
  };
}
