/**
 * Records a reason in the store, so the candidate's author sees why it went no further and a
 * restarted verifier does not queue it again.
 */
import type { Hash } from '@nightshift/protocol';
import { isStoreError, type Store } from '@nightshift/store';
import { type ReasonCode, statusFor } from './reasons.ts';

/**
 * Moves the candidate to the status its reason calls for (none for `retry` and
 * `not_our_target`). A candidate that already reached a final status keeps it: whoever
 * settled it first had the last word.
 */
export async function settle(store: Store, id: Hash, code: ReasonCode, now: number): Promise<void> {
  const status = statusFor(code);
  if (!status) return;
  try {
    await store.candidates.setStatus(id, status, { reason: code, now });
  } catch (err) {
    if (!isStoreError(err, 'invalid_transition')) throw err;
  }
}
