// `nightshift target init|check|list` in-process: the scaffold passes its own check under
// the real runner, a noisy or broken target is reported, and list shows stored heads.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { entryHash, hashHex } from '@nightshift/protocol';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { parseManifest } from '@nightshift/target-dir';
import { run, scratch, storedLog } from '../testing/cli-chain.ts';

async function scaffold(name = 'line-fit') {
  const dir = join(await mkdtemp(join(scratch, 'init-')), name);
  const result = await run(['target', 'init', dir, '--json']);
  assert.equal(result.code, 0, result.stdout);
  return dir;
}

describe('nightshift target init', { concurrency: true }, () => {
  it('writes a manifest the parser accepts, named after the directory, with its README', async () => {
    const dir = await scaffold('my-target');
    const manifest = parseManifest(await readFile(join(dir, 'target.json'), 'utf8'));
    assert.equal(manifest.name, 'my-target');
    assert.deepEqual(manifest.mutablePaths, ['train.py']);
    assert.match(await readFile(join(dir, 'README.md'), 'utf8'), /`minDelta`: the smallest/);
    assert.match(await readFile(join(dir, 'program.md'), 'utf8'), /Change only `train.py`/);
  });

  it('refuses a directory that is not empty, and a name the protocol would refuse', async () => {
    const dir = await scaffold();
    const again = await run(['target', 'init', dir, '--json']);
    assert.equal(again.code, 2);
    assert.match(JSON.parse(again.stdout).error.message, /not empty/);
    const badName = await run([
      'target',
      'init',
      join(scratch, 'x'),
      '--name',
      'Bad_Name',
      '--json',
    ]);
    assert.equal(badName.code, 2);
    assert.equal(JSON.parse(badName.stdout).error.code, 'usage');
  });

  it('without a subcommand, prints the group and exits with usage (2)', async () => {
    const result = await run(['target']);
    assert.equal(result.code, 2);
    assert.match(
      result.stdout + result.stderr,
      /\n {2}init .*<dir>[\s\S]*\n {2}check .*<dir>[\s\S]*\n {2}list /,
    );
  });
});

describe('nightshift target check', { concurrency: true }, () => {
  it('passes the scaffold: valid, runs the baseline N times, reports the spread, no warning', async (t) => {
    if (!requireBubblewrap(t)) return;
    const dir = await scaffold();
    const result = await run(['target', 'check', dir, '--runs', '3', '--json']);
    assert.equal(result.code, 0, result.stdout);
    const report = JSON.parse(result.stdout);
    assert.equal(report.runs.length, 3);
    assert.equal(new Set(report.runs.map((r: { seed: number }) => r.seed)).size, 3);
    assert.ok(report.median > 0 && report.median < 1, `mse ${report.median}`);
    assert.ok(report.min <= report.median && report.median <= report.max);
    assert.ok(report.stddev >= 0);
    assert.deepEqual(report.warnings, []);
  });

  it('warns when minDelta and tolerance sit inside the spread', async (t) => {
    if (!requireBubblewrap(t)) return;
    const dir = await scaffold();
    const path = join(dir, 'target.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...manifest, minDelta: 1e-9, tolerance: 0 }));
    // A wide random start makes the seed matter: the spread is now far above 1e-9.
    const train = await readFile(join(dir, 'train.py'), 'utf8');
    await writeFile(
      join(dir, 'train.py'),
      train.replaceAll('uniform(-0.01, 0.01)', 'uniform(-1, 1)'),
    );
    const result = await run(['target', 'check', dir, '--runs', '2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /warning: minDelta 1e-9 is within the baseline's spread/);
    assert.match(result.stdout, /warning: tolerance 0 is below the baseline's spread/);
  });

  it('fails (check_failed, exit 1) with the phase and its stderr when the baseline crashes', async (t) => {
    if (!requireBubblewrap(t)) return;
    const dir = await scaffold();
    await writeFile(join(dir, 'train.py'), 'raise SystemExit("no model today")\n');
    const result = await run(['target', 'check', dir, '--runs', '1', '--json']);
    assert.equal(result.code, 1);
    const { error } = JSON.parse(result.stdout);
    assert.equal(error.code, 'check_failed');
    assert.match(error.message, /run_crash[\s\S]*no model today/);
  });

  it('refuses a manifest the protocol refuses, naming the rule, before running anything', async () => {
    const dir = await scaffold();
    const path = join(dir, 'target.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...manifest, minDelta: 0 }));
    const result = await run(['target', 'check', dir, '--json']);
    assert.equal(result.code, 1);
    assert.match(JSON.parse(result.stdout).error.message, /minDelta|min_delta/i);
    const missing = await run(['target', 'check', join(scratch, 'nowhere'), '--json']);
    assert.notEqual(missing.code, 0);
    const runs = await run(['target', 'check', dir, '--runs', '0', '--json']);
    assert.equal(runs.code, 2);
  });
});

describe('nightshift target list', { concurrency: true }, () => {
  it('lists stored targets with height, head and baseline metrics', async () => {
    const log = await storedLog();
    const json = await run(['target', 'list', '--json', '--data-dir', log.dataDir]);
    assert.equal(json.code, 0, json.stdout);
    const [row] = JSON.parse(json.stdout);
    assert.equal(row.name, 'tiny-lm');
    assert.equal(row.id, hashHex(log.fixture.targetId));
    assert.equal(row.height, 2);
    assert.equal(row.head, hashHex(entryHash(log.entries.a2)));
    assert.equal(row.headMetric, 2.3);
    assert.equal(row.baselineMetric, 2.5);
    assert.equal(row.entries, 4);
    const text = await run(['target', 'list', '--data-dir', log.dataDir]);
    assert.match(text.stdout, /^NAME\s+ID\s+HEIGHT\s+METRIC\s+HEAD\s+BASELINE\n/);
    assert.match(text.stdout, /tiny-lm\s+[0-9a-f]{12}\s+2\s+bpc\s+2\.300000\s+2\.500000/);
  });

  it('says no_store (exit 4) for a data dir without a store', async () => {
    const result = await run(['target', 'list', '--json', '--data-dir', join(scratch, 'none')]);
    assert.equal(result.code, 4);
    assert.equal(JSON.parse(result.stdout).error.code, 'no_store');
  });
});
