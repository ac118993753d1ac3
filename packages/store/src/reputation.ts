/**
 * Per-author reputation: consecutive verified claims, failed claims, and a ban. The policy
 * (what a failure costs, how long a ban lasts) belongs to the verifier; the store keeps the
 * numbers and serializes read-modify-write updates.
 */
import type { PublicKeyBytes } from '@nightshift/protocol';
import type { Database, Sublevel } from './database.ts';
import type { Mutex } from './mutex.ts';
import { decodeRecord, encodeRecord, type ReputationRecord } from './records.ts';

export const NO_REPUTATION: Readonly<ReputationRecord> = {
  verified: 0,
  failed: 0,
  updatedAt: 0,
  bannedUntil: 0,
};

export class ReputationRepository {
  private readonly records: Sublevel;

  constructor(
    database: Database,
    private readonly lock: Mutex,
  ) {
    this.records = database.sub.reputation;
  }

  /** The author's record; NO_REPUTATION for an author never seen. */
  async get(author: PublicKeyBytes): Promise<ReputationRecord> {
    const bytes = await this.records.get(author);
    return bytes ? decodeRecord('reputation', bytes) : { ...NO_REPUTATION };
  }

  /** Applies `change` to the current record and stores the result, atomically. */
  update(
    author: PublicKeyBytes,
    change: (current: ReputationRecord) => ReputationRecord,
  ): Promise<ReputationRecord> {
    return this.lock.run(async () => {
      const next = change(await this.get(author));
      await this.records.put(author, encodeRecord('reputation', next));
      return next;
    });
  }

  /** A claim of the author's was verified: one more in the current run. */
  recordVerified(author: PublicKeyBytes, now: number): Promise<ReputationRecord> {
    return this.update(author, (r) => ({ ...r, verified: r.verified + 1, updatedAt: now }));
  }

  /** A claim of the author's failed verification: the run of verified claims starts over. */
  recordFailed(author: PublicKeyBytes, now: number): Promise<ReputationRecord> {
    return this.update(author, (r) => ({
      ...r,
      verified: 0,
      failed: r.failed + 1,
      updatedAt: now,
    }));
  }

  /** Refuses the author's candidates until `until` (local ms). */
  ban(author: PublicKeyBytes, until: number, now: number): Promise<ReputationRecord> {
    return this.update(author, (r) => ({ ...r, bannedUntil: until, updatedAt: now }));
  }
}
