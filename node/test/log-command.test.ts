// `nightshift log` in-process over a real store: the canonical chain newest first like git
// log, orphans only with --all, JSON rows, and coded errors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { entryHash, hashHex, peerIdOf, publicKeyOf } from '@nightshift/protocol';
import { Store } from '@nightshift/store';
import { run, scratch, storedLog } from '../testing/cli-chain.ts';

describe('nightshift log', { concurrency: true }, () => {
  it('prints the canonical chain newest first with metric, change, author, verifiers and date', async () => {
    const log = await storedLog();
    const { code, stdout, stderr } = await run(['log', 'tiny-lm', '--data-dir', log.dataDir]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout.match(/^entry /gm)?.length, 3);
    const { g, a1, a2, b1 } = log.entries;
    const order = [a2, a1, g].map((e) => stdout.indexOf(hashHex(entryHash(e)).slice(0, 12)));
    assert.ok(order.every((at) => at >= 0));
    assert.deepEqual(
      [...order].sort((x, y) => x - y),
      order,
      'newest first',
    );
    assert.ok(!stdout.includes(hashHex(entryHash(b1)).slice(0, 12)), 'no orphan without --all');
    assert.match(stdout, /\(height 2, head\)\nMetric: {3}bpc 2\.300000 \(-0\.100000, better\)/);
    assert.match(stdout, /\(height 0\)\nMetric: {3}bpc 2\.500000 \(baseline\)/);
    assert.ok(stdout.includes(`Author:   ${peerIdOf(publicKeyOf(log.fixture.researcher))}`));
    const verifier = peerIdOf(a2.attestations[0]!.verifier);
    assert.ok(stdout.includes(`Verified: ${verifier} (2.300000)`));
    assert.match(stdout, /Date: {5}2023-11-\d\dT/);
    assert.match(stdout, /\n {4}halve the learning rate\n/);
  });

  it('adds orphaned entries, marked, with --all; --json gives the rows in printed order', async () => {
    const log = await storedLog();
    const text = await run(['log', 'tiny-lm', '--all', '--data-dir', log.dataDir]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /\(height 1, orphaned\)\nMetric: {3}bpc 2\.450000 \(-0\.050000, better\)/,
    );
    const json = await run(['log', 'tiny-lm', '--all', '--json', '--data-dir', log.dataDir]);
    const rows = JSON.parse(json.stdout);
    assert.deepEqual(
      rows.map((r: { height: number; canonical: boolean }) => [r.height, r.canonical]),
      [
        [2, true],
        [1, true],
        [1, false],
        [0, true],
      ],
    );
    assert.equal(rows[0].hash, hashHex(entryHash(log.entries.a2)));
    assert.equal(rows[0].parent, hashHex(entryHash(log.entries.a1)));
  });

  it('takes --reverse and --max-count, and refuses a count that is not a positive integer', async () => {
    const log = await storedLog();
    const json = await run([
      'log',
      'tiny-lm',
      '-n',
      '2',
      '--reverse',
      '--json',
      '--data-dir',
      log.dataDir,
    ]);
    assert.deepEqual(
      JSON.parse(json.stdout).map((r: { height: number }) => r.height),
      [1, 2],
    );
    const bad = await run(['log', 'tiny-lm', '-n', '0', '--json', '--data-dir', log.dataDir]);
    assert.equal(bad.code, 2);
    assert.equal(JSON.parse(bad.stdout).error.code, 'usage');
  });

  it('finds the target by id prefix, and says not_found (exit 5) for an unknown one', async () => {
    const log = await storedLog();
    const prefix = hashHex(log.fixture.targetId).slice(0, 8);
    const byPrefix = await run(['log', prefix, '--json', '--data-dir', log.dataDir]);
    assert.equal(byPrefix.code, 0);
    assert.equal(JSON.parse(byPrefix.stdout).length, 3);
    const unknown = await run(['log', 'no-such-target', '--json', '--data-dir', log.dataDir]);
    assert.equal(unknown.code, 5);
    assert.equal(JSON.parse(unknown.stdout).error.code, 'not_found');
  });

  it('refuses a missing target argument as usage (exit 2), and a missing store as no_store (exit 4)', async () => {
    const missing = await run(['log', '--json']);
    assert.equal(missing.code, 2);
    assert.equal(JSON.parse(missing.stdout).error.code, 'usage');
    const empty = await run(['log', 'tiny-lm', '--json', '--data-dir', join(scratch, 'nothing')]);
    assert.equal(empty.code, 4);
    assert.equal(JSON.parse(empty.stdout).error.code, 'no_store');
  });

  it('says store_locked (exit 4) and what to do while a running node holds the store', async () => {
    const log = await storedLog();
    const holder = await Store.open(log.dataDir);
    try {
      const locked = await run(['log', 'tiny-lm', '--data-dir', log.dataDir]);
      assert.equal(locked.code, 4);
      assert.match(locked.stderr, /in use by another process.*stop it/s);
      const json = await run(['log', 'tiny-lm', '--json', '--data-dir', log.dataDir]);
      assert.equal(JSON.parse(json.stdout).error.code, 'store_locked');
    } finally {
      await holder.close();
    }
  });
});
