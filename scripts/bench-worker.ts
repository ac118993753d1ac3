/**
 * The worker's own cost per experiment: everything `Worker` does around the runner (asking
 * the searcher, writing the new tree's blobs and tree to the store, judging, journaling to
 * LevelDB and results.tsv, following the head), next to the experiments' own runtime
 * (`Runner.run`) in the same run. Goal: under 2%.
 *
 * tiny-lm with the evolve searcher and the real runner under bubblewrap, on a fresh store
 * with the target and its genesis entry (node/testing/tiny-lm.ts); no network (announcing is a background task whose
 * wait is the reveal delay, not work). The worker's time is its wall time from start to stop
 * minus the time spent inside `Runner.run`.
 *
 *   node --import tsx scripts/bench-worker.ts [--experiments 20] [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Runner } from '@nightshift/runner';
import { createSearcher, seededRandom } from '@nightshift/searchers';
import { Store } from '@nightshift/store';
import { Worker } from '../node/src/worker/worker.ts';
import { seedTinyLm } from '../node/testing/tiny-lm.ts';

const { values: args } = parseArgs({
  options: {
    experiments: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const experiments = Number(args.experiments);
  const scratch = await mkdtemp(join(tmpdir(), 'nightshift-bench-worker-'));
  const store = await Store.open(join(scratch, 'node'));
  try {
    const { fixture } = await seedTinyLm(store);
    const runner = new Runner({}, { source: store });
    let inRunner = 0;
    const timedRunner: Pick<Runner, 'run'> = {
      async run(request) {
        const started = performance.now();
        try {
          return await runner.run(request);
        } finally {
          inRunner += performance.now() - started;
        }
      },
    };
    const worker = new Worker(
      fixture.target,
      fixture.targetId,
      { maxExperiments: experiments, announceMargin: 0, gpus: [''] },
      {
        store,
        runner: timedRunner,
        searcher: createSearcher('evolve'),
        key: fixture.workers[0]!,
        workspace: join(scratch, 'workspace'),
        signal: new AbortController().signal,
        random: seededRandom(1),
      },
    );
    const started = performance.now();
    await worker.run();
    const total = performance.now() - started;
    const journal = await store.journal.list(fixture.targetId);
    const overhead = total - inRunner;
    const result = {
      experiments: journal.length,
      kept: journal.filter((r) => r.status === 'keep').length,
      runnerMsPerExperiment: Math.round(inRunner / journal.length),
      workerMsPerExperiment: Number((overhead / journal.length).toFixed(1)),
      overheadShare: Number((overhead / inRunner).toFixed(4)),
      goal: 0.02,
    };
    if (!args.json) {
      console.log(
        `${result.experiments} experiments (${result.kept} kept): runner ${result.runnerMsPerExperiment} ms each, worker ${result.workerMsPerExperiment} ms each = ${(result.overheadShare * 100).toFixed(2)}% of the runner's time`,
      );
    }
    console.log(JSON.stringify(result));
  } finally {
    await store.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
