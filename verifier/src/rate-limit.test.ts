import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from './rate-limit.ts';

const HOUR = 3_600_000;

describe('RateLimiter', () => {
  it('lets a burst through, then one token per perHour-th of an hour', () => {
    const clock = { now: 0 };
    const limiter = new RateLimiter({ perHour: 4, burst: 2 }, { now: () => clock.now });
    assert.equal(limiter.take('a'), true);
    assert.equal(limiter.take('a'), true);
    assert.equal(limiter.allows('a'), false);
    assert.equal(limiter.take('a'), false);
    clock.now += HOUR / 4 - 1;
    assert.equal(limiter.take('a'), false, 'not quite a token yet');
    clock.now += 1;
    assert.equal(limiter.take('a'), true);
    assert.equal(limiter.take('a'), false);
  });

  it('keeps each key its own bucket, and saves up no more than the burst', () => {
    const clock = { now: 0 };
    const limiter = new RateLimiter({ perHour: 60, burst: 3 }, { now: () => clock.now });
    assert.equal(limiter.take('a'), true);
    assert.equal(limiter.allows('b'), true);
    clock.now += 10 * HOUR;
    const taken = [1, 2, 3, 4].map(() => limiter.take('a'));
    assert.deepEqual(taken, [true, true, true, false]);
  });

  it('checks without taking: allows() spends nothing', () => {
    const limiter = new RateLimiter({ burst: 1 }, { now: () => 0 });
    for (let i = 0; i < 5; i++) assert.equal(limiter.allows('a'), true);
    assert.equal(limiter.take('a'), true);
    assert.equal(limiter.allows('a'), false);
  });

  it('forgets refilled buckets once it holds maxBuckets, and a clock stepping back drains nothing', () => {
    const clock = { now: 1000 };
    const limiter = new RateLimiter(
      { perHour: 3600, burst: 1, maxBuckets: 2 },
      { now: () => clock.now },
    );
    limiter.take('a');
    limiter.take('b');
    clock.now += 1000; // both full again
    limiter.take('c');
    assert.equal(limiter.size, 1, 'a and b were full, so forgotten');
    clock.now -= 5000;
    assert.equal(limiter.allows('a'), true);
    assert.equal(limiter.allows('c'), false);
  });
});
