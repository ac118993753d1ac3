/**
 * A target's metric spec and search space (validation/target.ts): where the harness prints
 * the metric, and the settings the built-in searcher may change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type MetricSpec,
  type SearchParam,
  signObject,
  TARGET,
  type Target,
  validateTarget,
} from '../src/index.ts';
import { makeFixture } from '../testing/index.ts';
import { assertError } from './helpers.ts';

const fixture = await makeFixture();
const { target } = fixture;
const now = target.createdAt;

const withMetric = (change: Partial<MetricSpec>): Target => ({
  ...target,
  metric: { ...target.metric, ...change },
});
const withParam = (change: Partial<SearchParam>): Target => {
  const layers = target.searchSpace.find((p) => p.name === 'LAYERS')!;
  return { ...target, searchSpace: [{ ...layers, ...change }] };
};
/** Signed, so that a valid manifest passes all the way through the signature check. */
const signed = (t: Target) => signObject(TARGET, t, fixture.researcher);

describe('validateTarget: metric', () => {
  it('rejects a metric without a valid name or pattern', async () => {
    for (const change of [{ name: '' }, { name: '1bpc' }, { name: 'b pc' }, { pattern: '' }]) {
      assertError(
        await validateTarget(withMetric(change), { now }),
        'target_invalid_metric',
        'reject',
      );
    }
  });

  it('accepts metric names such as val_bpb, val.loss and BPC', async () => {
    for (const name of ['val_bpb', 'val.loss', 'BPC', 'top-1']) {
      assert.equal(await validateTarget(await signed(withMetric({ name })), { now }), undefined);
    }
  });

  it('rejects a stdout pattern that is no regular expression or has no group', async () => {
    // The last one is valid without the `u` flag, and the pattern is compiled with it.
    for (const pattern of ['^bpc ([0-9.]+', '^bpc [0-9.]+$', '^bpc (?:[0-9.]+)$', '[', '(\\-)']) {
      const error = await validateTarget(withMetric({ pattern }), { now });
      assertError(error, 'target_invalid_metric', 'reject');
    }
  });

  it('rejects a stdout-line metric that names a file', async () => {
    const error = await validateTarget(withMetric({ file: 'out.json' }), { now });
    assertError(error, 'target_invalid_metric', 'reject');
  });

  it('rejects a json-file metric without a valid file, and accepts one with it', async () => {
    for (const file of [undefined, '', '../out.json', 'out/']) {
      const t = withMetric({ source: 'json-file', pattern: 'eval.bpc', file });
      assertError(await validateTarget(t, { now }), 'target_invalid_metric', 'reject');
    }
    const ok = withMetric({ source: 'json-file', pattern: 'eval.bpc', file: 'out/metrics.json' });
    assert.equal(await validateTarget(await signed(ok), { now }), undefined);
  });

  it('accepts either direction', async () => {
    const maximize = await signed(withMetric({ direction: 'maximize' }));
    assert.equal(await validateTarget(maximize, { now }), undefined);
  });
});

describe('validateTarget: search space', () => {
  const invalid = async (change: Partial<SearchParam>) =>
    assertError(
      await validateTarget(withParam(change), { now }),
      'target_invalid_search_space',
      'reject',
    );

  it('rejects a setting with an invalid name or in a file a candidate may not change', async () => {
    await invalid({ name: '1LAYERS' });
    await invalid({ name: 'LAY-ERS' });
    await invalid({ file: 'score.py' });
    await invalid({ file: '../train.py' });
  });

  it('rejects a choice with bounds or with fewer than two distinct choices', async () => {
    const choice = { kind: 'choice' as const, min: undefined, max: undefined };
    await invalid({ ...choice, min: 1, choices: ['a', 'b'] });
    await invalid({ ...choice, choices: ['adam'] });
    await invalid({ ...choice, choices: ['adam', 'adam'] });
    const ok = withParam({ ...choice, choices: ['adam', 'sgd'] });
    assert.equal(await validateTarget(await signed(ok), { now }), undefined);
  });

  it('rejects a numeric setting with choices, missing bounds or min not below max', async () => {
    await invalid({ choices: ['1'] });
    await invalid({ min: undefined });
    await invalid({ max: undefined });
    await invalid({ min: 8, max: 8 });
    await invalid({ min: 9, max: 8 });
  });

  it('rejects non-integer bounds of an int and a log-float that reaches zero', async () => {
    await invalid({ kind: 'int', min: 0.5, max: 8 });
    await invalid({ kind: 'log-float', min: 0, max: 1 });
    await invalid({ kind: 'log-float', min: -1, max: 1 });
    const float = withParam({ kind: 'float', min: -1.5, max: 1.5 });
    assert.equal(await validateTarget(await signed(float), { now }), undefined);
  });
});
