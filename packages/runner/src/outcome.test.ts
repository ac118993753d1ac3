import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { limitOutcome, reasonCode } from './outcome.ts';
import { setupKey } from './setup-cache.ts';
import { RUNNER_ID, RUNNER_VERSION } from './version.ts';

describe('outcomes', () => {
  it('map to attestation reason codes', () => {
    const limits = { wallSeconds: 1, memoryMb: 2, outputMb: 3, processes: 4 };
    assert.equal(reasonCode({ kind: 'ok', metric: 1 }), 'ok');
    assert.equal(reasonCode(limitOutcome('run', 'wall', limits)), 'run_timeout');
    assert.equal(reasonCode(limitOutcome('predict', 'memory', limits)), 'predict_out_of_memory');
    assert.equal(reasonCode(limitOutcome('score', 'output', limits)), 'score_output_limit');
    assert.equal(reasonCode(limitOutcome('setup', 'processes', limits)), 'setup_process_limit');
    assert.equal(reasonCode({ kind: 'no-metric', reason: 'x' }), 'no_metric');
    assert.equal(reasonCode({ kind: 'bad-metric', value: 1, reason: 'nan' }), 'bad_metric');
    for (const code of ['run_timeout', 'predict_out_of_memory'])
      assert.match(code, /^[a-z][a-z0-9_]{0,63}$/);
  });

  it('name the runner by the version in package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(RUNNER_VERSION, pkg.version);
    assert.ok(RUNNER_ID.length <= 64);
  });

  it('cache setup by command and harness, unambiguously', () => {
    const harness = new Uint8Array(32);
    assert.equal(setupKey(['a', 'b'], harness), setupKey(['a', 'b'], harness));
    assert.notEqual(setupKey(['a', 'b'], harness), setupKey(['ab'], harness));
    assert.notEqual(setupKey(['a'], harness), setupKey(['a'], new Uint8Array(32).fill(1)));
  });
});
