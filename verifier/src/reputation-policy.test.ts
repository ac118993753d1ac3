import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { publicKeyOf } from '@nightshift/protocol';
import { testKey } from '@nightshift/protocol/testing';
import { NO_REPUTATION, type ReputationRecord, Store } from '@nightshift/store';
import { openFreshStore } from '@nightshift/store/testing';
import { ReputationPolicy } from './reputation-policy.ts';

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;

function replay(policy: ReputationPolicy, outcomes: [boolean, number][]): ReputationRecord {
  let record: ReputationRecord = { ...NO_REPUTATION };
  for (const [verified, at] of outcomes) {
    record = verified ? policy.afterVerified(record, at) : policy.afterFailed(record, at);
  }
  return record;
}

describe('ReputationPolicy', () => {
  const policy = new ReputationPolicy({ failuresToBan: 3, banMs: HOUR, failureWindowMs: 6 * HOUR });

  it('orders trusted authors first and failing ones last, never at zero', () => {
    const weight = (verified: number, failed: number) =>
      policy.weight({ ...NO_REPUTATION, verified, failed });
    assert.equal(weight(0, 0), 1);
    assert.ok(weight(3, 0) > weight(1, 0));
    assert.equal(weight(100, 0), weight(9, 0), 'trust is capped');
    assert.ok(weight(0, 1) < weight(0, 0));
    assert.ok(weight(0, 1000) > 0);
  });

  it('bans after K failures in a row for T, in the store, and unbans after T', async () => {
    const { store, dataDir } = await openFreshStore('reputation-policy');
    const author = publicKeyOf(await testKey('reputation/author'));
    for (const at of [T0, T0 + HOUR, T0 + 2 * HOUR]) {
      const record = await store.reputation.update(author, (r) => policy.afterFailed(r, at));
      assert.equal(policy.isBanned(record, at), at === T0 + 2 * HOUR);
    }
    await store.close();
    const reopened = await Store.open(dataDir);
    const record = await reopened.reputation.get(author);
    assert.equal(record.bannedUntil, T0 + 3 * HOUR);
    assert.equal(policy.isBanned(record, T0 + 3 * HOUR - 1), true);
    assert.equal(policy.isBanned(record, T0 + 3 * HOUR), false);
    await reopened.close();
  });

  it('doubles the ban for each failure that continues the streak after a ban', () => {
    const end1 = T0 + 2 * HOUR + HOUR;
    const record = replay(policy, [
      [false, T0],
      [false, T0 + 1],
      [false, T0 + 2 * HOUR],
      [false, end1 + HOUR],
    ]);
    assert.equal(record.failed, 4);
    assert.equal(record.bannedUntil, end1 + HOUR + 2 * HOUR);
    const capped = new ReputationPolicy({ failuresToBan: 1, banMs: HOUR, maxBanMs: 3 * HOUR });
    const long = replay(capped, [
      [false, T0],
      [false, T0 + 1],
      [false, T0 + 2],
    ]);
    assert.equal(long.bannedUntil, T0 + 2 + 3 * HOUR);
  });

  it('forgets failures that are further apart than the window, and forgives after a verified claim', () => {
    const sparse = replay(policy, [
      [false, T0],
      [false, T0 + 7 * HOUR],
      [false, T0 + 14 * HOUR],
    ]);
    assert.deepEqual([sparse.failed, sparse.bannedUntil], [1, 0]);
    const forgiven = replay(policy, [
      [false, T0],
      [false, T0 + 1],
      [true, T0 + 2],
      [false, T0 + 3],
    ]);
    assert.deepEqual([forgiven.verified, forgiven.failed, forgiven.bannedUntil], [0, 1, 0]);
    const trusted = replay(policy, [
      [true, T0],
      [true, T0 + 1],
    ]);
    assert.deepEqual([trusted.verified, trusted.failed], [2, 0]);
  });
});
