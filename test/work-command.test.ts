// `nightshift work` as a volunteer runs it: a real process that joins a peer over TCP, syncs
// tiny-lm and its verified baseline from it, searches under bubblewrap, and announces an
// improvement that the other peer receives, checks and stores.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { loadIdentity } from '@nightshift/node';
import { freshDir, nightshift, startNightshift } from '@nightshift/node/testing';
import { seedTinyLm } from '@nightshift/node/testing/tiny-lm';
import { hashHex, publicKeyOf } from '@nightshift/protocol';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { Store } from '@nightshift/store';

const LOOPBACK = '/ip4/127.0.0.1/tcp/0';

/** A data dir holding tiny-lm and its genesis entry at the baseline's measured metric. */
async function seededDataDir() {
  const dataDir = freshDir();
  const store = await Store.open(dataDir);
  const { fixture, baseline } = await seedTinyLm(store, { revealDelayMs: 500 });
  await store.close();
  return { dataDir, fixture, baseline };
}

describe('nightshift work', { timeout: 180_000 }, () => {
  it('syncs the target from a peer, searches, and gossips an improvement that the peer stores', async (t) => {
    if (!requireBubblewrap(t)) return;
    const seeded = await seededDataDir();
    const node = startNightshift([
      'node',
      '--json',
      '--no-mdns',
      '--data-dir',
      seeded.dataDir,
      '--listen',
      LOOPBACK,
    ]);
    const started = await node.next((e) => e['event'] === 'started');
    const address = (started['listen'] as string[])[0]!;

    const workerDir = freshDir();
    const worker = startNightshift([
      'work',
      '--json',
      '--no-mdns',
      '--data-dir',
      workerDir,
      '--listen',
      LOOPBACK,
      '--bootstrap',
      address,
      '--target',
      'tiny-lm',
      '--max-experiments',
      '8',
    ]);
    const searching = await worker.next((e) => e['event'] === 'started', 60_000);
    assert.equal(searching['target'], hashHex(seeded.fixture.targetId));
    assert.equal(searching['metric'], seeded.baseline);
    const announced = await worker.next((e) => e['event'] === 'announced', 120_000);
    assert.ok(Number(announced['claim']) <= seeded.baseline - seeded.fixture.target.minDelta);
    const stopped = await worker.next((e) => e['event'] === 'stopped', 120_000);
    assert.equal(stopped['reason'], 'max_experiments');
    assert.equal(stopped['experiments'], 8);
    assert.equal(await worker.stop(), 0, worker.stderr());
    assert.equal(await node.stop(), 0, node.stderr());

    // The peer validated the candidate (its commitment first, by the reveal delay) and kept it.
    const store = await Store.open(seeded.dataDir);
    const candidate = await store.candidates.get(
      Buffer.from(String(announced['candidate']), 'hex'),
    );
    assert.ok(candidate, 'the peer did not store the announced candidate');
    assert.equal(candidate.candidate.claim, announced['claim']);
    const { privateKey } = await loadIdentity(workerDir);
    assert.equal(hashHex(candidate.candidate.author), hashHex(publicKeyOf(privateKey)));
    await store.close();
  });

  it('refuses bad options with a usage error before it starts a peer', async () => {
    for (const args of [
      [],
      ['--target', 'x', '--gpus', '0,a'],
      ['--target', 'x', '--max-experiments', '0'],
      ['--target', 'x', '--searcher', 'magic'],
      ['--target', 'x', '--searcher', 'command'],
      ['--target', 'x', '--searcher', 'llm', '--llm-url', 'http://127.0.0.1:9'],
    ]) {
      const run = await nightshift([
        'work',
        '--json',
        '--no-mdns',
        '--data-dir',
        freshDir(),
        ...args,
      ]);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stdout}`);
      assert.equal(JSON.parse(run.stdout).error.code, 'usage');
    }
  });

  it('resumes its journal after being killed mid-experiment, and clears what the kill left', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { dataDir } = await seededDataDir();
    const args = ['work', '--json', '--no-mdns', '--data-dir', dataDir, '--listen', LOOPBACK];
    const first = startNightshift([...args, '--target', 'tiny-lm', '--max-experiments', '100']);
    await first.next((e) => e['event'] === 'experiment' && e['n'] === 2, 60_000);
    // Well inside the third experiment (each takes a second or more here).
    await new Promise((resolve) => setTimeout(resolve, 400));
    const killedPid = first.child.pid!;
    assert.equal(await first.stop('SIGKILL'), null);
    const leftBehind = async () =>
      (await readdir(tmpdir())).filter((name) => name.startsWith(`nightshift-run-${killedPid}-`));
    assert.ok((await leftBehind()).length > 0, 'the kill left no workspace: not mid-experiment');

    const second = startNightshift([...args, '--target', 'tiny-lm', '--max-experiments', '2']);
    const started = await second.next((e) => e['event'] === 'started', 60_000);
    assert.equal(started['resumed'], 2);
    const next = await second.next((e) => e['event'] === 'experiment', 60_000);
    assert.equal(next['n'], 3);
    const stopped = await second.next((e) => e['event'] === 'stopped', 60_000);
    assert.equal(stopped['experiments'], 4);
    assert.equal(await second.stop(), 0, second.stderr());
    assert.deepEqual(await leftBehind(), []);
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    assert.ok(
      !mounts.includes(`nightshift-run-${killedPid}-`),
      'a tmpfs of the killed run is still mounted',
    );
  });
});
