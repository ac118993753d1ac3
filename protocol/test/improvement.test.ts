/**
 * The numbers a verdict is made of (rules/improvement.ts): improvement by at least
 * minDelta in the target's direction, agreement with the claim within tolerance, and the
 * median of several runs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { beatsByMinDelta, isBetter, median, withinTolerance } from '../src/index.ts';

describe('beatsByMinDelta', () => {
  it('counts a drop of exactly minDelta as an improvement when minimizing', () => {
    assert.equal(beatsByMinDelta(2.25, 2.5, 0.25, 'minimize'), true);
    assert.equal(beatsByMinDelta(2, 2.5, 0.25, 'minimize'), true);
    assert.equal(beatsByMinDelta(2.26, 2.5, 0.25, 'minimize'), false);
    assert.equal(beatsByMinDelta(2.5, 2.5, 0.25, 'minimize'), false);
    assert.equal(beatsByMinDelta(3, 2.5, 0.25, 'minimize'), false);
  });

  it('counts a rise of exactly minDelta as an improvement when maximizing', () => {
    assert.equal(beatsByMinDelta(2.75, 2.5, 0.25, 'maximize'), true);
    assert.equal(beatsByMinDelta(3, 2.5, 0.25, 'maximize'), true);
    assert.equal(beatsByMinDelta(2.74, 2.5, 0.25, 'maximize'), false);
    assert.equal(beatsByMinDelta(2.5, 2.5, 0.25, 'maximize'), false);
    assert.equal(beatsByMinDelta(2, 2.5, 0.25, 'maximize'), false);
  });

  it('works across zero and with negative metrics', () => {
    assert.equal(beatsByMinDelta(-1.25, -1, 0.25, 'minimize'), true);
    assert.equal(beatsByMinDelta(-0.75, -1, 0.25, 'maximize'), true);
    assert.equal(beatsByMinDelta(0.125, 0.25, 0.25, 'minimize'), false);
  });

  it('treats maximizing as minimizing the negated metric', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
    const delta = fc.double({ noNaN: true, min: 0, max: 1e300 });
    fc.assert(
      fc.property(finite, finite, delta, (m, p, d) => {
        assert.equal(beatsByMinDelta(m, p, d, 'maximize'), beatsByMinDelta(-m, -p, d, 'minimize'));
      }),
    );
  });

  it('always accepts a measurement exactly minDelta better than the parent', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
    const delta = fc.double({ noNaN: true, min: 0, max: 1e300 });
    fc.assert(
      fc.property(finite, delta, (p, d) => {
        assert.equal(beatsByMinDelta(p - d, p, d, 'minimize'), true);
        assert.equal(beatsByMinDelta(p + d, p, d, 'maximize'), true);
      }),
    );
  });
});

describe('isBetter', () => {
  it('is strict in both directions', () => {
    assert.equal(isBetter(1, 2, 'minimize'), true);
    assert.equal(isBetter(2, 1, 'minimize'), false);
    assert.equal(isBetter(2, 1, 'maximize'), true);
    assert.equal(isBetter(1, 1, 'minimize'), false);
    assert.equal(isBetter(1, 1, 'maximize'), false);
  });
});

describe('withinTolerance', () => {
  it('accepts a difference up to and including the tolerance, either way', () => {
    assert.equal(withinTolerance(2.375, 2.25, 0.125), true);
    assert.equal(withinTolerance(2.125, 2.25, 0.125), true);
    assert.equal(withinTolerance(2.4, 2.25, 0.125), false);
    assert.equal(withinTolerance(2.1, 2.25, 0.125), false);
  });

  it('demands an exact match at zero tolerance', () => {
    assert.equal(withinTolerance(2.25, 2.25, 0), true);
    assert.equal(withinTolerance(2.25 + Number.EPSILON * 2, 2.25, 0), false);
  });
});

describe('median', () => {
  it('takes the middle value of an odd count, in numeric order', () => {
    assert.equal(median([3]), 3);
    assert.equal(median([3, 1, 2]), 2);
    // Sorted as numbers, not as strings ('10' < '2' < '9').
    assert.equal(median([10, 9, 2]), 9);
    assert.equal(median([-1, -10, 5]), -1);
  });

  it('takes the mean of the two middle values of an even count', () => {
    assert.equal(median([1, 2]), 1.5);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([2.5, 2.5]), 2.5);
  });

  it('leaves its input as it was', () => {
    const runs = [3, 1, 2];
    median(runs);
    assert.deepEqual(runs, [3, 1, 2]);
  });

  it('throws on no values, leaving the decision to the caller', () => {
    assert.throws(() => median([]), RangeError);
  });

  it('does not depend on the order of the runs', () => {
    // Runs as the wire carries them: finite, and never -0 (which sorts equal to +0).
    const run = fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .filter((x) => !Object.is(x, -0));
    const runs = fc.array(run, { minLength: 1 });
    fc.assert(
      fc.property(runs, (values) => {
        assert.equal(median(values), median([...values].reverse()));
      }),
    );
  });
});

describe('median of very large values', () => {
  it('does not overflow for two values near the largest double', () => {
    const big = Number.MAX_VALUE;
    assert.equal(median([big, big]), big);
    assert.equal(median([big, big / 2]), (big / 4) * 3);
  });

  it('agrees with (a + b) / 2 wherever that does not overflow', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
        (a, b) => {
          const expected = (Math.min(a, b) + Math.max(a, b)) / 2;
          // Subnormal halves can lose a bit; everything else must match exactly.
          if (Math.abs(a) < 1e-300 || Math.abs(b) < 1e-300) return;
          assert.equal(median([a, b]), expected === 0 ? 0 : expected);
        },
      ),
    );
  });
});
