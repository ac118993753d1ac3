/**
 * What a verified or failed claim does to its author's standing (DESIGN.md, "spam and
 * sybils"; issue 6 §6). The store keeps the numbers (ReputationRecord); this is the policy:
 *
 * - `verified`: consecutive verified claims since the last failed one (the store's meaning).
 * - `failed`: the current failure streak: failed claims since the last verified one, where a
 *   failure more than `failureWindowMs` after the previous one (or after the end of a ban)
 *   starts a new streak. A verified claim forgives the streak.
 * - `bannedUntil`: a streak of `failuresToBan` bans the author for `banMs`; each further
 *   failure in the same streak bans it again for twice as long, up to `maxBanMs`.
 *
 * Trust only orders the queue (`weight`): a trusted author's claims are re-run like anyone's.
 */
import type { ReputationRecord } from '@nightshift/store';

export interface ReputationOptions {
  /** Failures in one streak that ban the author. */
  failuresToBan: number;
  /** A failure later than this after the previous one (or a ban's end) starts a new streak. */
  failureWindowMs: number;
  /** The first ban's length; each repeat in the same streak doubles it. */
  banMs: number;
  maxBanMs: number;
  /** Consecutive verified claims beyond this add no more weight. */
  trustCap: number;
}

export const DEFAULT_REPUTATION: ReputationOptions = {
  failuresToBan: 3,
  failureWindowMs: 24 * 3_600_000,
  banMs: 3_600_000,
  maxBanMs: 7 * 24 * 3_600_000,
  trustCap: 9,
};

export class ReputationPolicy {
  readonly options: ReputationOptions;

  constructor(options: Partial<ReputationOptions> = {}) {
    this.options = { ...DEFAULT_REPUTATION, ...options };
  }

  /**
   * The author's weight in the queue: 1 for a newcomer, up to 1 + trustCap for a run of
   * verified claims, halved, thirded, ... by a failure streak. Never 0: nobody is skipped.
   */
  weight(record: ReputationRecord): number {
    return (1 + Math.min(record.verified, this.options.trustCap)) / (1 + record.failed);
  }

  isBanned(record: ReputationRecord, now: number): boolean {
    return record.bannedUntil > now;
  }

  afterVerified(record: ReputationRecord, now: number): ReputationRecord {
    return { ...record, verified: record.verified + 1, failed: 0, updatedAt: now };
  }

  afterFailed(record: ReputationRecord, now: number): ReputationRecord {
    const { failuresToBan, failureWindowMs, banMs, maxBanMs } = this.options;
    const lastActive = Math.max(record.updatedAt, record.bannedUntil);
    const streak = now - lastActive > failureWindowMs ? 1 : record.failed + 1;
    let { bannedUntil } = record;
    if (streak >= failuresToBan) {
      // 2 ** 52 already exceeds any maxBanMs; the cap keeps the power finite.
      const doublings = Math.min(streak - failuresToBan, 52);
      bannedUntil = Math.max(bannedUntil, now + Math.min(banMs * 2 ** doublings, maxBanMs));
    }
    return { verified: 0, failed: streak, updatedAt: now, bannedUntil };
  }
}
