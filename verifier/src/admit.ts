/**
 * Admitting a candidate: the prechecks, then the queue or the reason settled in the store.
 * The one path for a candidate that just arrived and for one restored after a restart.
 */
import type { Candidate, Hash } from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import type { Prechecks, Received } from './prechecks.ts';
import type { Dropped, Queue } from './queue.ts';
import { settle } from './settle.ts';
import type { TreeFailure } from './tree-checks.ts';

export interface Admission {
  id: Hash;
  candidate: Candidate;
  /** This node's time of first receipt. */
  receivedAt: number;
  /** True when the candidate is in the queue. */
  queued: boolean;
  /** Candidates dropped on the way, this one included when it was: publish their reasons. */
  dropped: Dropped[];
  /** Set when it cannot be checked yet: fetch what is missing (`tree`), then admit it again. */
  retry?: TreeFailure;
}

export interface AdmitModules {
  store: Store;
  prechecks: Prechecks;
  queue: Queue;
  now: () => number;
}

export async function admit(
  received: Received,
  { store, prechecks, queue, now }: AdmitModules,
  { interrupted = false } = {},
): Promise<Admission> {
  const { id, candidate, receivedAt } = received;
  const result = await prechecks.check(received);
  if (result.ok)
    return { id, candidate, receivedAt, ...(await queue.add(received, result, { interrupted })) };
  if (result.verdict === 'retry') {
    // An interrupted run that cannot be checked now waits with the pending candidates.
    if (interrupted) {
      await store.candidates.setStatus(id, 'pending', {
        reason: '',
        now: now(),
        from: 'verifying',
      });
    }
    return { id, candidate, receivedAt, queued: false, dropped: [], retry: result };
  }
  await settle(store, id, result.code, now());
  // Someone else's target: nothing to publish.
  if (result.code === 'not_our_target') {
    return { id, candidate, receivedAt, queued: false, dropped: [] };
  }
  const { code, verdict, message } = result;
  const dropped = [{ id, candidate, code, verdict, message }];
  return { id, candidate, receivedAt, queued: false, dropped };
}
