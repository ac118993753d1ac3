import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PeerPenalties } from './penalties.ts';
import { ConcurrencyLimit, TokenBuckets } from './rate-limit.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('token buckets', () => {
  it('allow a burst, then refill at their rate, for each peer apart', () => {
    const time = clock();
    const buckets = new TokenBuckets({ burst: 3, perSecond: 2 }, time.now);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => buckets.tryTake('a')),
      [true, true, true, false],
    );
    assert.equal(buckets.tryTake('b'), true, 'another peer has its own bucket');
    time.advance(499);
    assert.equal(buckets.tryTake('a'), false);
    time.advance(1);
    assert.equal(buckets.tryTake('a'), true, 'one token after half a second');
    time.advance(60_000);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => buckets.tryTake('a')),
      [true, true, true, false],
    );
  });

  it('keep a bounded number of peers, forgetting full buckets first', () => {
    const time = clock();
    const buckets = new TokenBuckets({ burst: 1, perSecond: 1 }, time.now, 2);
    buckets.tryTake('a');
    time.advance(5000);
    buckets.tryTake('b');
    buckets.tryTake('c'); // 'a' has refilled: it is dropped to make room
    assert.equal(buckets.tryTake('b'), false, 'b is still empty');
    assert.equal(buckets.tryTake('c'), false, 'c is still empty');
  });
});

describe('concurrency limits', () => {
  it('cap requests in progress per peer and in total; a release is counted once', () => {
    const limit = new ConcurrencyLimit(2, 3);
    const a1 = limit.tryAcquire('a');
    const a2 = limit.tryAcquire('a');
    assert.ok(a1 && a2);
    assert.equal(limit.tryAcquire('a'), undefined, 'a is at its cap');
    const b1 = limit.tryAcquire('b');
    assert.ok(b1);
    assert.equal(limit.tryAcquire('c'), undefined, 'everyone is at the cap');
    a1();
    a1();
    assert.equal(limit.inProgress, 2);
    assert.ok(limit.tryAcquire('c'));
    assert.equal(limit.tryAcquire('a'), undefined);
  });
});

describe('peer penalties', () => {
  it('ban a peer at the threshold, for the ban time only', () => {
    const time = clock();
    const penalties = new PeerPenalties({ threshold: 100, banMs: 60_000 }, time.now);
    assert.equal(penalties.penalize('a', 60), false);
    assert.equal(penalties.isBanned('a'), false);
    assert.equal(penalties.penalize('a', 40), true);
    assert.equal(penalties.isBanned('a'), true);
    assert.equal(penalties.isBanned('b'), false);
    time.advance(60_001);
    assert.equal(penalties.isBanned('a'), false);
  });

  it('forgive points with time', () => {
    const time = clock();
    const penalties = new PeerPenalties({ threshold: 100, banMs: 1, decayPerMinute: 10 }, time.now);
    penalties.penalize('a', 90);
    time.advance(5 * 60_000);
    assert.equal(penalties.points('a'), 40);
    assert.equal(penalties.penalize('a', 50), false, '40 + 50 is below 100');
  });
});
