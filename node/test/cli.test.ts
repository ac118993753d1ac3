// Runs the real `nightshift` command, as a user would, against fresh temporary data dirs.
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertNoStackTrace, freshDir, nightshift, peerIdIn } from '../testing/cli.ts';

const nodeVersion = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('nightshift --help and --version', { concurrency: true }, () => {
  it('prints help listing the commands and global options, and exits 0', async () => {
    const run = await nightshift(['--help']);
    assert.equal(run.status, 0);
    for (const word of ['init', 'demo', '--data-dir', '--json'])
      assert.match(run.stdout, new RegExp(word));
  });

  it('prints the version from node/package.json and exits 0', async () => {
    const run = await nightshift(['--version']);
    assert.equal(run.status, 0);
    assert.equal(run.stdout.trim(), nodeVersion.version);
  });
});

describe('nightshift init', { concurrency: true }, () => {
  it('creates an identity, prints its peer id, and prints the same one when run again', async () => {
    const dataDir = freshDir();
    const first = await nightshift(['init', '--data-dir', dataDir]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /created/);
    assert.match(first.stdout, new RegExp(dataDir));
    const second = await nightshift(['init', '--data-dir', dataDir]);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /already existed/);
    assert.equal(peerIdIn(second.stdout), peerIdIn(first.stdout));
  });

  it('keeps the key readable by its owner only (file 0600, directory 0700)', async () => {
    const dataDir = freshDir();
    assert.equal((await nightshift(['init', '--data-dir', dataDir])).status, 0);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dataDir, 'identity.key')).mode & 0o777, 0o600);
  });

  it('uses NIGHTSHIFT_DATA_DIR when no --data-dir is given', async () => {
    const dataDir = freshDir();
    const run = await nightshift(['init', '--json'], { NIGHTSHIFT_DATA_DIR: dataDir });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).dataDir, dataDir);
    assert.ok(statSync(join(dataDir, 'identity.key')).isFile());
  });

  it('prefers --data-dir over NIGHTSHIFT_DATA_DIR', async () => {
    const fromEnv = freshDir();
    const fromFlag = freshDir();
    const run = await nightshift(['init', '--json', '--data-dir', fromFlag], {
      NIGHTSHIFT_DATA_DIR: fromEnv,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).dataDir, fromFlag);
    assert.throws(() => statSync(fromEnv), { code: 'ENOENT' });
  });

  it('falls back to $XDG_DATA_HOME/nightshift on Linux', {
    skip: process.platform !== 'linux',
  }, async () => {
    const xdg = freshDir();
    const run = await nightshift(['init', '--json'], { XDG_DATA_HOME: xdg });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).dataDir, join(xdg, 'nightshift'));
  });

  it('answers --json with one JSON document, before or after the command name', async () => {
    const dataDir = freshDir();
    const first = JSON.parse((await nightshift(['init', '--json', '--data-dir', dataDir])).stdout);
    const second = JSON.parse((await nightshift(['--json', '--data-dir', dataDir, 'init'])).stdout);
    assert.deepEqual(Object.keys(first).sort(), ['created', 'dataDir', 'peerId']);
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.peerId, first.peerId);
    assert.match(first.peerId, /^12D3KooW/);
  });

  it('refuses a corrupt identity file with identity_corrupt and a non-zero exit', async () => {
    const dataDir = freshDir();
    assert.equal((await nightshift(['init', '--data-dir', dataDir])).status, 0);
    writeFileSync(join(dataDir, 'identity.key'), 'not a key at all', { mode: 0o600 });
    const run = await nightshift(['init', '--json', '--data-dir', dataDir]);
    assert.equal(run.status, 4);
    assert.equal(JSON.parse(run.stdout).error.code, 'identity_corrupt');
    const text = await nightshift(['init', '--data-dir', dataDir]);
    assert.equal(text.status, 4);
    assert.match(text.stderr, /corrupt/);
    assertNoStackTrace(text);
  });

  it('refuses a key that other users can read, and leaves it as it was', async () => {
    const dataDir = freshDir();
    assert.equal((await nightshift(['init', '--data-dir', dataDir])).status, 0);
    const keyPath = join(dataDir, 'identity.key');
    const before = readFileSync(keyPath);
    chmodSync(keyPath, 0o644);
    const run = await nightshift(['init', '--data-dir', dataDir]);
    assert.equal(run.status, 4);
    assert.match(run.stderr, /too open/);
    assert.match(run.stderr, /chmod 600/);
    assert.deepEqual(readFileSync(keyPath), before);
    const json = await nightshift(['init', '--json', '--data-dir', dataDir]);
    assert.equal(JSON.parse(json.stdout).error.code, 'identity_insecure');
  });

  it('reports a data dir it cannot create with data_dir_unwritable', async () => {
    const file = freshDir();
    writeFileSync(file, 'a file, not a directory');
    const run = await nightshift(['init', '--json', '--data-dir', join(file, 'nightshift')]);
    assert.equal(run.status, 4);
    assert.equal(JSON.parse(run.stdout).error.code, 'data_dir_unwritable');
  });
});

describe('usage errors', { concurrency: true }, () => {
  it('exits 2 with a message and no stack trace on an unknown command', async () => {
    const run = await nightshift(['frobnicate']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown command 'frobnicate'/);
    assertNoStackTrace(run);
  });

  it('exits 2 with a message and no stack trace on an unknown option', async () => {
    const run = await nightshift(['init', '--frobnicate']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown option '--frobnicate'/);
    assertNoStackTrace(run);
  });

  it('exits 2 when no command is given', async () => {
    const run = await nightshift([]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /no command given/);
  });

  it('reports usage errors as a JSON error on stdout with --json', async () => {
    const run = await nightshift(['--json', 'frobnicate']);
    assert.equal(run.status, 2);
    assert.deepEqual(Object.keys(JSON.parse(run.stdout)), ['error']);
    assert.equal(JSON.parse(run.stdout).error.code, 'usage');
  });
});

describe('nightshift demo', { concurrency: true }, () => {
  it('refuses a --target that is not a target directory, before it starts anything', async () => {
    const run = await nightshift(['demo', '--json', '--target', '/nonexistent-target']);
    assert.equal(run.status, 2);
    assert.equal(JSON.parse(run.stdout).error.code, 'usage');
    assert.match(JSON.parse(run.stdout).error.message, /not a target directory/);
  });

  it('rejects --workers and --duration that are not positive integers as usage errors', async () => {
    for (const args of [
      ['--workers', '0'],
      ['--workers', 'two'],
      ['--duration', '1.5'],
      ['--duration', '-5'],
    ]) {
      const run = await nightshift(['demo', ...args]);
      assert.equal(run.status, 2, `demo ${args.join(' ')}`);
      assert.match(run.stderr, /positive integer/);
    }
  });
});
