// `nightshift status` and `nightshift log` as a maintainer runs them: on a data directory whose
// node is stopped (read from the store), on one whose node runs (read from its API, found
// through api.json, while the node holds the store), and on one that a killed node left an
// api.json in: the same answers each time.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { nightshift, startNightshift } from '@nightshift/node/testing';
import { storedLog } from '@nightshift/node/testing/cli-chain';
import { entryHash, hashHex } from '@nightshift/protocol';

const LOOPBACK = '/ip4/127.0.0.1/tcp/0';

interface Report {
  running: boolean;
  api?: string;
  targets: {
    name: string;
    head: { hash: string; height: number } | null;
    queue: { pending: number };
  }[];
  worker: unknown;
}

async function status(dataDir: string): Promise<Report> {
  const run = await nightshift(['status', '--json', '--data-dir', dataDir]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  return JSON.parse(run.stdout) as Report;
}

async function log(dataDir: string): Promise<unknown[]> {
  const run = await nightshift(['log', 'status-target', '--all', '--json', '--data-dir', dataDir]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  return JSON.parse(run.stdout) as unknown[];
}

describe('nightshift status and log', { timeout: 120_000 }, () => {
  it('read a stopped node from its store and a running one from its API, with the same answers', async () => {
    const { dataDir, entries } = await storedLog('status-target');
    const head = hashHex(entryHash(entries.a2));

    const offline = await status(dataDir);
    assert.equal(offline.running, false);
    assert.equal(offline.targets.length, 1);
    assert.equal(offline.targets[0]!.name, 'status-target');
    assert.deepEqual(offline.targets[0]!.head, { hash: head, height: 2, metric: 2.3 });
    assert.equal(offline.worker, null);
    const offlineLog = await log(dataDir);
    assert.equal(offlineLog.length, 4, 'three canonical entries and one orphan');

    const node = startNightshift([
      'node',
      '--json',
      '--no-mdns',
      '--data-dir',
      dataDir,
      '--listen',
      LOOPBACK,
      '--api',
      '127.0.0.1:0',
    ]);
    const started = await node.next((e) => e['event'] === 'started');
    const online = await status(dataDir);
    assert.equal(online.running, true);
    assert.equal(online.api, started['api']);
    assert.deepEqual(online.targets, offline.targets);
    assert.deepEqual(await log(dataDir), offlineLog);
    assert.equal(await node.stop(), 0, node.stderr());

    assert.equal((await status(dataDir)).running, false, 'a clean stop removes api.json');
  });

  it('fall back to the store when a killed node left its api.json behind', async () => {
    const { dataDir } = await storedLog('status-stale');
    await writeFile(
      join(dataDir, 'api.json'),
      JSON.stringify({ url: 'http://127.0.0.1:1', peerId: 'gone', pid: 2 ** 22 + 7 }),
    );
    const report = await status(dataDir);
    assert.equal(report.running, false);
    assert.equal(report.targets[0]!.head?.height, 2);
  });
});
