// `nightshift audit` over a real store on disk, written with real signed entries, as a
// maintainer would run it: the exit code and the report must tell a sound log from a
// tampered one.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freshDir, nightshift } from '@nightshift/node/testing';
import { entryHash, hashHex, type LogEntry } from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import { openDatabase, STORE_DIR, Store } from '@nightshift/store';

/** A data dir holding one target with a chain of three entries and a worse side branch. */
async function storedLog() {
  const fixture = await makeFixture({ name: 'tiny-lm' });
  const chain = new ChainBuilder(fixture);
  const g = await chain.genesis(2.5);
  const a1 = await chain.extend(g, entryHash(g), { metric: 2.4 });
  const a2 = await chain.extend(a1, entryHash(a1), { metric: 2.3 });
  const b1 = await chain.extend(g, entryHash(g), { metric: 2.45 });
  const dataDir = freshDir();
  const store = await Store.open(dataDir);
  await store.targets.put(fixture.target);
  for (const entry of [g, a1, a2, b1] as LogEntry[]) await store.entries.add(entry);
  await store.close();
  return { dataDir, fixture, head: entryHash(a2), worse: entryHash(b1) };
}

describe('nightshift audit', { concurrency: true }, () => {
  it('passes a sound log by name, by id and by id prefix, and exits 0', async () => {
    const log = await storedLog();
    const id = hashHex(log.fixture.targetId);
    for (const query of ['tiny-lm', id, id.slice(0, 8)]) {
      const run = await nightshift(['audit', query, '--data-dir', log.dataDir]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /tiny-lm\): ok; 4 entries checked, 4 valid/);
    }
  });

  it('reports a head that fork choice would not pick, with its code, and exits 1', async () => {
    const log = await storedLog();
    const raw = await openDatabase(join(log.dataDir, STORE_DIR));
    await raw.sub.head.put(log.fixture.targetId, log.worse);
    await raw.db.close();
    const run = await nightshift(['audit', 'tiny-lm', '--data-dir', log.dataDir, '--json']);
    assert.equal(run.status, 1);
    const report = JSON.parse(run.stdout);
    assert.equal(report.ok, false);
    assert.equal(report.head, hashHex(log.worse));
    assert.equal(report.expectedHead, hashHex(log.head));
    assert.ok(report.failures.some((f: { code: string }) => f.code === 'head_not_best'));
  });

  it('audits every stored target when none is named', async () => {
    const log = await storedLog();
    const run = await nightshift(['audit', '--data-dir', log.dataDir, '--json']);
    assert.equal(run.status, 0, run.stdout);
    const report = JSON.parse(run.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.targets.length, 1);
    assert.equal(report.entriesChecked, 4);
  });

  it('says which target is unknown, and exits 5', async () => {
    const log = await storedLog();
    const run = await nightshift(['audit', 'no-such-target', '--data-dir', log.dataDir, '--json']);
    assert.equal(run.status, 5);
    assert.equal(JSON.parse(run.stdout).error.code, 'not_found');
  });

  it('refuses a data dir with no store rather than creating one, and exits 4', async () => {
    const run = await nightshift(['audit', '--data-dir', freshDir(), '--json']);
    assert.equal(run.status, 4);
    assert.equal(JSON.parse(run.stdout).error.code, 'no_store');
  });
});
