// The worker on targets/tiny-lm with the real runner (bubblewrap), the evolve searcher and a
// real store; the announcer records what would be gossiped.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CANDIDATE,
  COMMITMENT,
  decodeSigned,
  entryHash,
  hashHex,
  idOf,
  opensTo,
} from '@nightshift/protocol';
import { ChainBuilder, type Fixture, makeFixture } from '@nightshift/protocol/testing';
import { Runner } from '@nightshift/runner';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { createSearcher, seededRandom } from '@nightshift/searchers';
import type { Store } from '@nightshift/store';
import { freshDataDir, openFreshStore } from '@nightshift/store/testing';
import { seedTinyLm } from '../../testing/tiny-lm.ts';
import type { Announcer } from './announce.ts';
import type { WorkerEvent } from './events.ts';
import { RESULTS_FILE } from './results-file.ts';
import { Worker } from './worker.ts';

/** tiny-lm and its genesis entry in the store, with a short reveal delay. */
async function tinyLmSwarm(store: Store): Promise<Fixture> {
  return (await seedTinyLm(store, { revealDelayMs: 300 })).fixture;
}

/** Records announcements in order, with the time each was made. */
function recordingAnnouncer() {
  const sent: { kind: 'commitment' | 'candidate'; bytes: Uint8Array; at: number }[] = [];
  const announcer: Announcer = {
    publishCommitment: async (bytes) => sent.push({ kind: 'commitment', bytes, at: Date.now() }),
    publishCandidate: async (bytes) => sent.push({ kind: 'candidate', bytes, at: Date.now() }),
  };
  return { announcer, sent };
}

function worker(
  fixture: Fixture,
  store: Store,
  workspace: string,
  options: { maxExperiments: number; announcer?: Announcer; seed?: number },
) {
  const events: WorkerEvent[] = [];
  const instance = new Worker(
    fixture.target,
    fixture.targetId,
    { maxExperiments: options.maxExperiments, announceMargin: 0, gpus: [''] },
    {
      store,
      runner: new Runner({}, { source: store }),
      searcher: createSearcher('evolve'),
      key: fixture.workers[0]!,
      ...(options.announcer && { announcer: options.announcer }),
      workspace,
      signal: new AbortController().signal,
      random: seededRandom(options.seed ?? 1),
      onEvent: (event) => events.push(event),
    },
  );
  return { instance, events };
}

describe('the worker', { timeout: 240_000 }, () => {
  it('improves on the baseline with evolve, journals every experiment, and commits before it reveals', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { store } = await openFreshStore('worker');
    const fixture = await tinyLmSwarm(store);
    const head = (await store.entries.head(fixture.targetId))!;
    const workspace = await freshDataDir('workspace');
    const { announcer, sent } = recordingAnnouncer();
    const { instance, events } = worker(fixture, store, workspace, {
      maxExperiments: 10,
      announcer,
    });
    assert.equal(await instance.run(), 'max_experiments');

    const journal = await store.journal.list(fixture.targetId);
    assert.deepEqual(
      journal.map((r) => r.n),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    const best = Math.min(...journal.flatMap((r) => (r.metric === undefined ? [] : [r.metric])));
    assert.ok(
      best <= head.metric - fixture.target.minDelta,
      `best ${best} does not beat the baseline ${head.metric} by minDelta`,
    );
    assert.ok(journal.every((r) => r.parent === hashHex(head.head)));
    assert.ok(journal.some((r) => r.status === 'keep') && journal.every((r) => r.params));
    const results = (await readFile(join(workspace, RESULTS_FILE), 'utf8')).trim().split('\n');
    assert.equal(results.length, 1 + journal.length);

    // Announced: each commitment before its candidate, by the reveal delay, and it opens.
    assert.ok(sent.length >= 2, `${sent.length} announcements`);
    assert.equal(sent[0]!.kind, 'commitment');
    const commitment = decodeSigned(COMMITMENT, sent[0]!.bytes).value;
    const revealed = sent.find((s) => s.kind === 'candidate')!;
    const candidate = decodeSigned(CANDIDATE, revealed.bytes).value;
    assert.ok(revealed.at - sent[0]!.at >= fixture.target.revealDelayMs);
    assert.ok(opensTo(commitment, fixture.targetId, candidate.tree, candidate.salt));
    assert.equal(hashHex(candidate.parent), hashHex(head.head));
    assert.ok(candidate.claim <= head.metric - fixture.target.minDelta);
    assert.ok(await store.trees.get(candidate.tree), 'the announced tree is stored, to be served');
    const announced = events.find((e) => e.event === 'announced');
    assert.equal(
      announced?.event === 'announced' && announced.candidate,
      hashHex(idOf(CANDIDATE, candidate)),
    );
    await store.close();
  });

  it('resumes from its journal after a restart, with the local best it had', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { store } = await openFreshStore('worker');
    const fixture = await tinyLmSwarm(store);
    const workspace = await freshDataDir('workspace');
    await worker(fixture, store, workspace, { maxExperiments: 3, seed: 2 }).instance.run();
    const before = await store.journal.list(fixture.targetId);

    const again = worker(fixture, store, workspace, { maxExperiments: 2, seed: 3 });
    await again.instance.run();
    const started = again.events.find((e) => e.event === 'started');
    assert.equal(started?.event === 'started' && started.resumed, 3);
    const after = await store.journal.list(fixture.targetId);
    assert.deepEqual(
      after.map((r) => r.n),
      [1, 2, 3, 4, 5],
    );
    // The first experiment after the restart is judged against the best kept before it.
    const head = (await store.entries.head(fixture.targetId))!;
    const bestBefore = Math.min(
      head.metric,
      ...before.filter((r) => r.status === 'keep').map((r) => r.metric!),
    );
    const first = again.events.find((e) => e.event === 'experiment');
    assert.ok(first?.event === 'experiment');
    if (first.status === 'keep') assert.ok(first.metric! < bestBefore);
    else assert.equal(first.best, bestBefore);
    await store.close();
  });

  it('starts again from a new head when another peer moves it mid-search', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { store } = await openFreshStore('worker');
    const fixture = await tinyLmSwarm(store);
    const genesis = (await store.entries.head(fixture.targetId))!;
    // Another peer's entry, a better bigram (ALPHA 0.1), arrives during the second proposal.
    const builder = new ChainBuilder(fixture);
    const model = new TextDecoder().decode(
      fixture.blobs.get(hashHex(fixture.tree.files.find((f) => f.path === 'model.py')!.blob))!,
    );
    const next = await builder.extend((await store.entries.get(genesis.head))!, genesis.head, {
      files: { 'model.py': model.replace(/^ALPHA = \S+/m, 'ALPHA = 0.1') },
      metric: genesis.metric - 0.2,
    });
    const evolve = createSearcher('evolve');
    let proposals = 0;
    const events: WorkerEvent[] = [];
    const instance = new Worker(
      fixture.target,
      fixture.targetId,
      { maxExperiments: 3, announceMargin: 0, gpus: [''] },
      {
        store,
        runner: new Runner({}, { source: store }),
        searcher: {
          name: 'evolve, with a head move',
          async propose(ctx) {
            if (++proposals === 2) {
              for (const bytes of fixture.blobs.values()) await store.blobs.put(bytes);
              for (const tree of builder.trees.values()) await store.trees.put(tree);
              await store.entries.add(next);
            }
            return evolve.propose(ctx);
          },
        },
        key: fixture.workers[0]!,
        workspace: await freshDataDir('workspace'),
        signal: new AbortController().signal,
        random: seededRandom(5),
        onEvent: (event) => events.push(event),
      },
    );
    await instance.run();
    const moved = events.find((e) => e.event === 'head');
    assert.equal(moved?.event === 'head' && moved.head, hashHex(entryHash(next)));
    assert.ok(events.some((e) => e.event === 'rebased'));
    const journal = await store.journal.list(fixture.targetId);
    assert.equal(journal[0]!.parent, hashHex(genesis.head));
    assert.equal(journal.at(-1)!.parent, hashHex(entryHash(next)));
    const last = events.filter((e) => e.event === 'experiment').at(-1);
    assert.equal(last?.event === 'experiment' && last.head, next.metric);
    await store.close();
  });

  it('runs one experiment per GPU at once, and pauses a GPU while someone else uses it', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { store } = await openFreshStore('worker');
    const fixture = await tinyLmSwarm(store);
    const runner = new Runner({}, { source: store });
    const gpusSeen: string[] = [];
    let running = 0;
    let overlapped = false;
    let busyChecks = 0;
    const events: WorkerEvent[] = [];
    const instance = new Worker(
      fixture.target,
      fixture.targetId,
      { maxExperiments: 4, announceMargin: 0, gpus: ['0', '1'], idlePollMs: 50 },
      {
        store,
        runner: {
          async run(request) {
            gpusSeen.push(request.gpus ?? '');
            overlapped ||= ++running > 1;
            try {
              return await runner.run(request);
            } finally {
              running -= 1;
            }
          },
        },
        searcher: createSearcher('evolve'),
        key: fixture.workers[0]!,
        workspace: await freshDataDir('workspace'),
        signal: new AbortController().signal,
        random: seededRandom(9),
        onEvent: (event) => events.push(event),
        // GPU 1's owner is busy for its first three looks.
        gpuIdle: async (gpu) => gpu === '0' || ++busyChecks > 3,
      },
    );
    assert.equal(await instance.run(), 'max_experiments');
    assert.equal((await store.journal.list(fixture.targetId)).length, 4);
    assert.deepEqual([...new Set(gpusSeen)].sort(), ['0', '1']);
    assert.ok(overlapped, 'the two GPUs never ran at the same time');
    const gpuEvents = events.filter((e) => e.event === 'paused' || e.event === 'resumed');
    assert.deepEqual(gpuEvents, [
      { event: 'paused', gpu: '1' },
      { event: 'resumed', gpu: '1' },
    ]);
    await store.close();
  });

  it('holds new experiments while paused on request, finishes the running one, and goes on after resume', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { store } = await openFreshStore('worker');
    const fixture = await tinyLmSwarm(store);
    const { instance, events } = worker(fixture, store, await freshDataDir('workspace'), {
      maxExperiments: 3,
    });
    assert.equal(instance.state().status, 'waiting');
    const experiments = () => events.filter((e) => e.event === 'experiment').length;
    const running = instance.run();
    while (experiments() < 1) await new Promise((resolve) => setTimeout(resolve, 50));
    instance.pause();
    assert.equal(instance.state().status, 'paused');
    // The experiment under way when the pause came may finish; none starts after it.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const whilePaused = experiments();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(experiments(), whilePaused, 'an experiment ran while paused');
    assert.ok(whilePaused <= 2);
    instance.resume();
    assert.equal(await running, 'max_experiments');
    assert.equal(experiments(), 3);
    assert.equal(instance.state().status, 'stopped');
    assert.deepEqual(
      events.filter((e) => e.event === 'paused' || e.event === 'resumed'),
      [
        { event: 'paused', gpu: '', by: 'request' },
        { event: 'resumed', gpu: '', by: 'request' },
      ],
    );
    await store.close();
  });

  it('re-applies its local best on a new head that changed other files, and announces the composition', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { store } = await openFreshStore('worker');
    // Two mutable files, each holding one setting; the run phase computes a loss of both.
    const fixture = await makeFixture({
      name: 'two-files',
      files: {
        'a.py': 'X = 1\n',
        'b.py': 'Y = 1\n',
        'program.md': 'Tune X in a.py and Y in b.py.\n',
        'data/heldout.txt': 'unused\n',
        'train.py': [
          'import os, re',
          "value = lambda f, n: int(re.search(rf'^{n} = (\\d+)', open(f).read(), re.M).group(1))",
          "loss = (value('a.py', 'X') - 3) ** 2 + (value('b.py', 'Y') - 5) ** 2 + 1",
          "open(os.path.join(os.environ['NIGHTSHIFT_OUTPUT'], 'loss'), 'w').write(str(loss))",
        ].join('\n'),
        'score.py':
          "import os\nprint('score:', open(os.path.join(os.environ['NIGHTSHIFT_OUTPUT'], 'loss')).read())\n",
      },
      manifest: {
        mutablePaths: ['a.py', 'b.py'],
        run: ['python3', 'train.py'],
        score: ['python3', 'score.py'],
        metric: {
          name: 'loss',
          direction: 'minimize',
          source: 'stdout-line',
          pattern: '^score: (\\S+)$',
        },
        minDelta: 0.5,
        revealDelayMs: 100,
      },
      verifierCount: 1,
      quorum: 1,
    });
    for (const bytes of fixture.blobs.values()) await store.blobs.put(bytes);
    await store.trees.put(fixture.tree);
    await store.targets.put(fixture.target);
    const builder = new ChainBuilder(fixture);
    const genesis = await builder.genesis(21);
    await store.entries.add(genesis);
    // Another peer's entry: Y tuned in b.py, which this worker never touches.
    const theirs = await builder.extend(genesis, entryHash(genesis), {
      files: { 'b.py': 'Y = 5\n' },
      metric: 5,
    });
    let proposals = 0;
    const { announcer, sent } = recordingAnnouncer();
    const events: WorkerEvent[] = [];
    const instance = new Worker(
      fixture.target,
      fixture.targetId,
      { maxExperiments: 3, announceMargin: 0, gpus: [''] },
      {
        store,
        runner: new Runner({}, { source: store }),
        searcher: {
          name: 'scripted',
          async propose() {
            proposals += 1;
            if (proposals === 2) {
              for (const bytes of fixture.blobs.values()) await store.blobs.put(bytes);
              for (const tree of builder.trees.values()) await store.trees.put(tree);
              await store.entries.add(theirs);
            }
            const x = proposals === 1 ? 3 : 6;
            return {
              files: new Map([['a.py', new TextEncoder().encode(`X = ${x}\n`)]]),
              description: `X = ${x}`,
            };
          },
        },
        key: fixture.workers[0]!,
        announcer,
        workspace: await freshDataDir('workspace'),
        signal: new AbortController().signal,
        random: seededRandom(1),
        onEvent: (event) => events.push(event),
      },
    );
    await instance.run();
    const rebased = events.find((e) => e.event === 'rebased');
    assert.deepEqual(rebased, { event: 'rebased', applied: true, metric: 1 });
    const candidates = sent
      .filter((s) => s.kind === 'candidate')
      .map((s) => decodeSigned(CANDIDATE, s.bytes).value);
    const composed = candidates.find((c) => hashHex(c.parent) === hashHex(entryHash(theirs)));
    assert.ok(composed, 'the rebased best was not announced on the new head');
    assert.equal(composed.claim, 1);
    const tree = (await store.trees.get(composed.tree))!;
    const text = async (path: string) =>
      new TextDecoder().decode(
        await store.blobs.get(tree.files.find((f) => f.path === path)!.blob),
      );
    assert.equal(await text('a.py'), 'X = 3\n');
    assert.equal(await text('b.py'), 'Y = 5\n');
    await store.close();
  });
});
