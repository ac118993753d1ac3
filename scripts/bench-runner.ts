/**
 * The runner's own cost per experiment: a tiny-lm experiment through `Runner.run` (tree
 * materialized from the store, setup, sandboxes, limits, metric read, receipt, teardown) next
 * to the same commands run bare in the same run: `run`, then `score` with `predict` beside it
 * joined by the same two pipes, in a directory prepared once beforehand, no sandbox, no
 * limits. Goal: the runner's overhead under 5% of a tiny-lm experiment.
 *
 * Two settings of model.py: the untuned baseline (the shortest experiment tiny-lm has, so the
 * overhead's largest share) and a tuned one of the kind a search spends its time on; and, to
 * see the fixed cost apart from the noise of Python's own run time, the same tree with
 * commands that do nothing.
 * Rounds alternate bare and runner; times are medians, the overhead the median of the
 * per-round differences.
 *
 *   node --import tsx scripts/bench-runner.ts [--rounds 7] [--json]
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  blobHash,
  makeTree,
  publicKeyOf,
  signObject,
  TARGET,
  type Target,
  treeHash,
} from '@nightshift/protocol';
import { testKey } from '@nightshift/protocol/testing';
import { Runner, SANDBOX_PATH_ENV } from '@nightshift/runner';
import { Store } from '@nightshift/store';
import { loadTargetDir, type TargetFile, unsignedTarget } from '@nightshift/target-dir';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '7' }, json: { type: 'boolean', default: false } },
});
const TINY_LM = fileURLToPath(new URL('../targets/tiny-lm', import.meta.url));
const SEED = 7;
interface Case {
  label: string;
  settings: Record<string, string>;
  /** Commands that replace tiny-lm's: the runner's fixed cost, with nothing to run. */
  commands?: Pick<Target, 'run' | 'score' | 'predict'>;
}
const CASES: Case[] = [
  {
    label: 'empty (tiny-lm tree, no-op commands)',
    settings: {},
    commands: { run: ['true'], score: ['echo', 'val_bpc: 1.000000'], predict: undefined },
  },
  { label: 'baseline', settings: {} },
  { label: 'tuned (ORDER 5, kneser-ney)', settings: { ORDER: '5', SMOOTHING: '"kneser-ney"' } },
];

function withSettings(files: TargetFile[], settings: Record<string, string>): TargetFile[] {
  return files.map((file) => {
    if (file.path !== 'model.py') return file;
    let text = new TextDecoder().decode(file.bytes);
    for (const [name, value] of Object.entries(settings)) {
      text = text.replace(new RegExp(`^(${name}\\s*=\\s*)\\S+`, 'm'), `$1${value}`);
    }
    return { ...file, bytes: new TextEncoder().encode(text) };
  });
}

/** The same commands without the runner: the phases' views and environment, no sandbox. */
async function bare(target: Target, tree: string, out: string): Promise<number> {
  const env = {
    // The sandbox's PATH, so that both run the same interpreter.
    PATH: SANDBOX_PATH_ENV,
    HOME: tmpdir(),
    PYTHONDONTWRITEBYTECODE: '1',
    NIGHTSHIFT_SEED: String(SEED),
    NIGHTSHIFT_OUTPUT: out,
  };
  const exit = (child: ReturnType<typeof spawn>) =>
    new Promise<void>((resolve, reject) =>
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`)))),
    );
  const [run, ...runArgs] = target.run;
  await exit(
    spawn(run!, runArgs, { cwd: tree, env: { ...env, NIGHTSHIFT_PHASE: 'run' }, stdio: 'ignore' }),
  );
  const [score, ...scoreArgs] = target.score;
  if (!target.predict) {
    const alone = spawn(score!, scoreArgs, {
      cwd: tree,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    alone.stdout!.on('data', (chunk) => {
      text += chunk;
    });
    await exit(alone);
    return metricIn(target, text);
  }
  const harness = spawn(score!, scoreArgs, {
    cwd: tree,
    env: {
      ...env,
      NIGHTSHIFT_PHASE: 'score',
      NIGHTSHIFT_PREDICTOR_IN: '3',
      NIGHTSHIFT_PREDICTOR_OUT: '4',
    },
    stdio: ['ignore', 'pipe', 'inherit', 'pipe', 'pipe'],
  });
  const [, , , toPredictor, fromPredictor] = harness.stdio;
  const [predict, ...predictArgs] = target.predict!;
  const predictor = spawn(predict!, predictArgs, {
    cwd: tree,
    env: { ...env, NIGHTSHIFT_PHASE: 'predict' },
    stdio: [toPredictor as never, fromPredictor as never, 'inherit'],
  });
  toPredictor?.destroy();
  fromPredictor?.destroy();
  let stdout = '';
  harness.stdout!.on('data', (chunk) => {
    stdout += chunk;
  });
  await Promise.all([exit(harness), exit(predictor)]);
  return metricIn(target, stdout);
}

function metricIn(target: Target, stdout: string): number {
  const metric = new RegExp(target.metric.pattern, 'm').exec(stdout)?.[1];
  if (metric === undefined) throw new Error(`no metric in: ${stdout}`);
  return Number(metric);
}

async function main(): Promise<void> {
  const rounds = Number(args.rounds);
  const dir = await loadTargetDir(TINY_LM);
  const key = await testKey('bench-runner');
  const tinyLm = await signObject(
    TARGET,
    unsignedTarget(dir, {
      author: publicKeyOf(key),
      verifiers: [publicKeyOf(key)],
      createdAt: Date.now(),
    }),
    key,
  );
  const scratch = await mkdtemp(join(tmpdir(), 'nightshift-bench-runner-'));
  const store = await Store.open(join(scratch, 'node'));
  const runner = new Runner({}, { source: store });
  const results: Record<string, unknown>[] = [];
  try {
    for (const { label, settings, commands } of CASES) {
      const target: Target = { ...tinyLm, ...commands };
      const files = withSettings(dir.files, settings);
      for (const file of files) await store.blobs.put(file.bytes);
      const tree = makeTree(
        files.map((f) => ({
          path: f.path,
          blob: blobHash(f.bytes),
          size: f.bytes.length,
          executable: f.executable,
        })),
      );
      await store.trees.put(tree);
      // The bare copy, prepared once: no held-out split, no views; the runner's cost is all
      // that the bare runs do not pay.
      const bareTree = join(scratch, `bare-${results.length}`);
      for (const file of files) {
        await mkdir(dirname(join(bareTree, file.path)), { recursive: true });
        await writeFile(join(bareTree, file.path), file.bytes);
      }
      const bareMs: number[] = [];
      const runnerMs: number[] = [];
      let metrics: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const out = join(scratch, `out-${results.length}-${round}`);
        await mkdir(out);
        let started = performance.now();
        const bareMetric = await bare(target, bareTree, out);
        bareMs.push(performance.now() - started);
        started = performance.now();
        const result = await runner.run({ target, tree: treeHash(tree), seed: SEED });
        runnerMs.push(performance.now() - started);
        if (result.outcome.kind !== 'ok') throw new Error(JSON.stringify(result.outcome));
        metrics = [bareMetric, result.outcome.metric];
      }
      const bareMedian = median(bareMs);
      const runnerMedian = median(runnerMs);
      // Paired by round: the machine's drift between rounds cancels out of each difference.
      const overhead = median(runnerMs.map((ms, i) => ms - bareMs[i]!));
      const line = {
        setting: label,
        metric: metrics[1],
        sameMetricBare: metrics[0] === metrics[1],
        bareMs: Math.round(bareMedian),
        runnerMs: Math.round(runnerMedian),
        overheadMs: Math.round(overhead),
        overheadShare: Number((overhead / runnerMedian).toFixed(3)),
        sandbox: (await runner.run({ target, tree: treeHash(tree), seed: SEED })).receipt.sandbox,
      };
      results.push(line);
      if (!args.json) {
        console.log(
          `${label}: bare ${line.bareMs} ms, runner ${line.runnerMs} ms, overhead ${line.overheadMs} ms = ${(line.overheadShare * 100).toFixed(1)}% (metric ${line.metric}, ${line.sandbox})`,
        );
      }
    }
    console.log(JSON.stringify({ rounds, results, goal: 0.05 }));
  } finally {
    await store.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

await main();
