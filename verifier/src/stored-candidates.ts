/**
 * The stored candidates of the targets this verifier serves. The store keeps the candidates
 * of every target its node has seen; those of other targets are never this verifier's work,
 * so scanning for them on every start would only cost time.
 */
import type { Target } from '@nightshift/protocol';
import type { CandidateStatus, Store, StoredCandidate } from '@nightshift/store';

export async function* storedCandidates(
  store: Store,
  statuses: readonly CandidateStatus[],
  serves: (target: Target) => boolean,
): AsyncIterable<StoredCandidate> {
  for await (const targetId of store.targets.ids()) {
    const target = await store.targets.get(targetId);
    if (!target || !serves(target)) continue;
    for (const status of statuses) {
      for await (const id of store.candidates.withStatus(status, targetId)) {
        const stored = await store.candidates.get(id);
        if (stored) yield stored;
      }
    }
  }
}
