import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  deriveSeed,
  harnessHash,
  heldOutHash,
  seedNumber,
  treeHash,
  utf8,
} from '@nightshift/protocol';
import { openFreshStore } from '@nightshift/store/testing';
import { MemorySource, requireBubblewrap, testTarget } from '../testing/index.ts';
import {
  GUESS_E_METRIC,
  GUESS_E_PY,
  HONEST_METRIC,
  HONEST_TRAIN_PY,
  PREDICT_SCORE_PY,
  targetFiles,
} from '../testing/targets.ts';
import { isRunnerError } from './errors.ts';
import { attestationReceipt } from './receipt.ts';
import { Runner, type RunnerOptions } from './runner.ts';
import { SANDBOX_GID } from './sandbox-user.ts';

const scratch = await mkdtemp(join(tmpdir(), 'nightshift-runner-test-'));
// Searchable by others, so that a root runner's sandbox users can reach their scratch dirs.
await chmod(scratch, 0o711);
after(() => rm(scratch, { recursive: true, force: true }));

const source = new MemorySource();
const runner = (options: RunnerOptions = {}) =>
  new Runner(
    { scratchDir: scratch, setupCacheDir: join(scratch, 'setup-cache'), ...options },
    { source },
  );

const scorePrinting = (line: string) => `print(${JSON.stringify(line)})\n`;

describe('Runner', () => {
  it('runs an honest candidate and reads the metric from the harness, with a receipt', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { tree, hash } = source.add(targetFiles(HONEST_TRAIN_PY));
    const target = testTarget();
    const seed = deriveSeed(new Uint8Array(32), 0);
    const result = await runner().run({ target, tree: hash, seed });
    assert.deepEqual(result.outcome, { kind: 'ok', metric: HONEST_METRIC });
    const { receipt } = result;
    assert.equal(receipt.runner, 'nightshift-runner/0.1.0');
    assert.equal(receipt.sandbox, 'bubblewrap');
    assert.deepEqual(receipt.tree, treeHash(tree));
    assert.deepEqual(receipt.harness, harnessHash(tree, target));
    assert.deepEqual(receipt.data, heldOutHash(tree, target));
    assert.equal(receipt.seed, seedNumber(seed));
    assert.deepEqual(receipt.commands.run, ['python3', 'train.py']);
    assert.match(receipt.environment, /^linux \w+; cpu: .+; gpu: none$/);
    assert.deepEqual(
      receipt.phases.map((p) => [p.phase, p.exitCode]),
      [
        ['run', 0],
        ['score', 0],
      ],
    );
    assert.deepEqual(attestationReceipt(receipt).seed, seed);
    const names = result.extra.map((m) => m.name);
    assert.ok(names.includes('run_seconds') && names.includes('score_seconds'), names.join());
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(
      await readdir(scratch).then((n) => n.filter((d) => d.startsWith('nightshift-run-'))),
      [],
    );
  });

  it('gives each phase the environment of the contract and the seed as a decimal', async (t) => {
    if (!requireBubblewrap(t)) return;
    // PWD comes from bwrap's chdir, LC_CTYPE from Python's own C-locale coercion (PEP 538).
    const show = `import os, json
env = {k: v for k, v in os.environ.items() if k not in ('PWD', 'LC_CTYPE')}
print(json.dumps({'env': env, 'cwd': os.getcwd(), 'tree': sorted(os.listdir('.')), 'uid': os.getuid()}))
`;
    const { hash } = source.add(
      targetFiles(`${show}${HONEST_TRAIN_PY}`, { 'score.py': `${show}print('score: 1')\n` }),
    );
    const result = await runner().run({ target: testTarget(), tree: hash, seed: 4242, gpus: '' });
    assert.deepEqual(result.outcome, { kind: 'ok', metric: 1 });
    const [run, score] = result.logs.map((l) => JSON.parse(l.stdoutTail.split('\n')[0]!));
    assert.deepEqual(run.env, {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: '/tmp',
      PYTHONDONTWRITEBYTECODE: '1',
      NIGHTSHIFT_PHASE: 'run',
      NIGHTSHIFT_SEED: '4242',
      NIGHTSHIFT_OUTPUT: '/nightshift/out',
      CUDA_VISIBLE_DEVICES: '',
    });
    assert.equal(run.cwd, '/nightshift/tree');
    if (process.getuid?.() === 0) {
      // A root runner drops every experiment to a fresh unprivileged uid (where it can).
      assert.equal(result.receipt.sandboxUser, true);
      assert.ok(run.uid >= SANDBOX_GID && score.uid === run.uid, `uid ${run.uid}`);
    }
    assert.deepEqual(run.tree, ['data', 'program.md', 'score.py', 'train.py']);
    assert.equal(score.env.NIGHTSHIFT_SCORE_OUTPUT, '/nightshift/score');
    assert.equal(score.env.NIGHTSHIFT_PHASE, 'score');
    // The score phase sees the held-out data but not the candidate's files.
    assert.deepEqual(score.tree, ['data', 'program.md', 'score.py']);
  });

  it('joins the harness to a sandboxed predictor through fd 3 and fd 4', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { hash } = source.add(
      targetFiles(HONEST_TRAIN_PY, { 'score.py': PREDICT_SCORE_PY, 'model.py': GUESS_E_PY }),
    );
    const target = testTarget({
      mutablePaths: ['model.py', 'train.py'],
      predict: ['python3', 'model.py'],
    });
    const result = await runner().run({ target, tree: hash, seed: 1 });
    assert.deepEqual(result.outcome, { kind: 'ok', metric: GUESS_E_METRIC });
    assert.deepEqual(
      result.receipt.phases.map((p) => p.phase),
      ['run', 'score', 'predict'],
    );
  });

  it('reports a crash with its exit code and the tail of stderr', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { hash } = source.add(targetFiles('raise RuntimeError("diverged at step 7")\n'));
    const { outcome } = await runner().run({ target: testTarget(), tree: hash, seed: 1 });
    assert.equal(outcome.kind, 'crash');
    assert.ok(outcome.kind === 'crash' && outcome.phase === 'run' && outcome.exitCode === 1);
    assert.match(outcome.stderrTail, /RuntimeError: diverged at step 7/);
  });

  it('reports a predictor crash as the cause of the harness failing', async (t) => {
    if (!requireBubblewrap(t)) return;
    const model = 'import sys\nsys.stdin.readline()\nraise SystemExit("model exploded")\n';
    const { hash } = source.add(
      targetFiles(HONEST_TRAIN_PY, { 'score.py': PREDICT_SCORE_PY, 'model.py': model }),
    );
    const target = testTarget({
      mutablePaths: ['model.py', 'train.py'],
      predict: ['python3', 'model.py'],
    });
    const { outcome } = await runner().run({ target, tree: hash, seed: 1 });
    assert.ok(outcome.kind === 'crash' && outcome.phase === 'predict', JSON.stringify(outcome));
    assert.match(outcome.stderrTail, /model exploded/);
  });

  it('reports no-metric when no line of the score output matches', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { hash } = source.add(
      targetFiles(HONEST_TRAIN_PY, { 'score.py': scorePrinting('done, no number') }),
    );
    const { outcome } = await runner().run({ target: testTarget(), tree: hash, seed: 1 });
    assert.equal(outcome.kind, 'no-metric');
  });

  it('reports bad-metric for NaN, infinity, text and a value outside the declared range', async (t) => {
    if (!requireBubblewrap(t)) return;
    const cases = [
      ['score: nan', 'nan'],
      ['score: -inf', 'infinite'],
      ['score: lots', 'not-a-number'],
      ['score: 1e9', 'out-of-range'],
    ] as const;
    for (const [line, reason] of cases) {
      const { hash } = source.add(
        targetFiles(HONEST_TRAIN_PY, { 'score.py': scorePrinting(line) }),
      );
      const { outcome } = await runner().run({
        target: testTarget(),
        tree: hash,
        seed: 1,
        metricRange: { min: 0, max: 100 },
      });
      assert.ok(
        outcome.kind === 'bad-metric' && outcome.reason === reason,
        `${line}: ${JSON.stringify(outcome)}`,
      );
    }
  });

  it('reads a json-file metric from the score output directory only', async (t) => {
    if (!requireBubblewrap(t)) return;
    const score = `import json, os
json.dump({'eval': {'bpc': 1.25}}, open(os.path.join(os.environ['NIGHTSHIFT_SCORE_OUTPUT'], 'metrics.json'), 'w'))
`;
    const train = `import json, os
json.dump({'eval': {'bpc': 0.01}}, open(os.path.join(os.environ['NIGHTSHIFT_OUTPUT'], 'metrics.json'), 'w'))
`;
    const { hash } = source.add(targetFiles(train, { 'score.py': score }));
    const metric = {
      name: 'bpc',
      direction: 'minimize',
      source: 'json-file',
      pattern: 'eval.bpc',
      file: 'metrics.json',
    } as const;
    const { outcome } = await runner().run({ target: testTarget({ metric }), tree: hash, seed: 1 });
    assert.deepEqual(outcome, { kind: 'ok', metric: 1.25 });
  });

  it('runs setup once per harness and shows its result read-only to the later phases', async (t) => {
    if (!requireBubblewrap(t)) return;
    const setup = `import os
open(os.path.join(os.environ['NIGHTSHIFT_SETUP'], 'vocab.txt'), 'w').write('abc')
`;
    const train = `import os
vocab = open(os.path.join(os.environ['NIGHTSHIFT_SETUP'], 'vocab.txt')).read()
try:
    open(os.path.join(os.environ['NIGHTSHIFT_SETUP'], 'vocab.txt'), 'w')
    print('setup writable')
except OSError:
    print('setup read-only')
open(os.path.join(os.environ['NIGHTSHIFT_OUTPUT'], 'result.txt'), 'w').write(str(len(vocab)))
`;
    const options = { setupCacheDir: join(scratch, 'setup-once') };
    const { hash } = source.add(targetFiles(train, { 'setup.py': setup }));
    const target = testTarget({ setup: ['python3', 'setup.py'] });
    const first = await runner(options).run({ target, tree: hash, seed: 1 });
    assert.deepEqual(first.outcome, { kind: 'ok', metric: 3 + 20 });
    assert.equal(first.logs.find((l) => l.phase === 'run')?.stdoutTail, 'setup read-only\n');
    const again = source.add(targetFiles(`${train}\n# another candidate\n`, { 'setup.py': setup }));
    const second = await runner(options).run({ target, tree: again.hash, seed: 1 });
    assert.deepEqual(second.outcome, first.outcome);
    assert.deepEqual(second.receipt.phases[0], {
      phase: 'setup',
      durationMs: 0,
      exitCode: 0,
      signal: null,
      cached: true,
    });
  });

  it('materializes trees from a real store', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { store } = await openFreshStore('runner');
    try {
      const files = targetFiles(HONEST_TRAIN_PY);
      const entries = [];
      for (const [path, content] of Object.entries(files)) {
        const bytes = utf8(content as string);
        entries.push({
          path,
          blob: await store.blobs.put(bytes),
          size: bytes.length,
          executable: false,
        });
      }
      const hash = await store.trees.put({
        files: entries.sort((a, b) => (a.path < b.path ? -1 : 1)),
      });
      const result = await new Runner({ scratchDir: scratch }, { source: store }).run({
        target: testTarget(),
        tree: hash,
        seed: 1,
      });
      assert.deepEqual(result.outcome, { kind: 'ok', metric: HONEST_METRIC });
    } finally {
      await store.close();
    }
  });

  it('kills every process of an experiment when the caller aborts it', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { hash } = source.add(targetFiles('import time\nwhile True:\n    time.sleep(1)\n'));
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(
      runner().run({ target: testTarget(), tree: hash, seed: 1, signal: controller.signal }),
      (err: unknown) => isRunnerError(err, 'aborted'),
    );
    assert.ok(Date.now() - started < 3000);
    assert.deepEqual(
      await readdir(scratch).then((n) => n.filter((d) => d.startsWith('nightshift-run-'))),
      [],
    );
  });

  it('refuses to run without bubblewrap and says how to install it', async () => {
    const { hash } = source.add(targetFiles(HONEST_TRAIN_PY));
    const missing = runner({ bwrapPath: join(scratch, 'no-such-bwrap') });
    await assert.rejects(
      missing.run({ target: testTarget(), tree: hash, seed: 1 }),
      (err: unknown) => {
        assert.ok(isRunnerError(err, 'sandbox_missing'));
        assert.match(err.message, /apt-get install bubblewrap/);
        return true;
      },
    );
  });

  it('runs unsandboxed only when asked, and announces it on every run', async () => {
    const { hash } = source.add(targetFiles(HONEST_TRAIN_PY));
    const announced: string[] = [];
    const unsafe = runner({
      bwrapPath: join(scratch, 'no-such-bwrap'),
      allowUnsandboxed: true,
      onWarning: (message) => announced.push(message),
    });
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof write;
    try {
      for (let i = 0; i < 2; i++) {
        const result = await unsafe.run({ target: testTarget(), tree: hash, seed: 1 });
        assert.deepEqual(result.outcome, { kind: 'ok', metric: HONEST_METRIC });
        assert.equal(result.receipt.sandbox, 'none');
        assert.match(result.warnings[0]!, /UNSAFE MODE/);
      }
    } finally {
      process.stderr.write = write;
    }
    assert.equal(announced.filter((m) => /UNSAFE MODE/.test(m)).length, 2);
    assert.equal(written.filter((m) => /WARNING: UNSAFE MODE/.test(m)).length, 2);
  });

  it('refuses a command that is empty', async () => {
    const { hash } = source.add(targetFiles(HONEST_TRAIN_PY));
    await assert.rejects(
      runner().run({ target: testTarget({ predict: [] }), tree: hash, seed: 1 }),
      (err: unknown) => isRunnerError(err, 'invalid_request'),
    );
  });
});
