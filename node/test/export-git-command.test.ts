// `nightshift export-git` with the real git binary: one commit per canonical entry with its
// trailers, a second run that adds only new entries, the same commit hashes for the same
// chain, and a moved head kept apart on an orphaned branch.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { entryHash, hashHex } from '@nightshift/protocol';
import { addToStore, run, scratch, storedLog } from '../testing/cli-chain.ts';

const gitIn = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();

const trailer = (dir: string, key: string, rev = 'main') =>
  gitIn(dir, 'log', '-1', `--format=%(trailers:key=${key},valueonly,separator=%x2C)`, rev);

describe('nightshift export-git', { concurrency: true }, () => {
  it('writes one commit per canonical entry, baseline first, with trailers, files and dates', async () => {
    const log = await storedLog();
    const dir = join(await mkdtemp(join(scratch, 'export-')), 'repo');
    const first = await run(['export-git', 'tiny-lm', dir, '--json', '--data-dir', log.dataDir]);
    assert.equal(first.code, 0, first.stdout);
    const result = JSON.parse(first.stdout);
    assert.equal(result.added, 3);
    assert.equal(result.chainLength, 3);
    assert.equal(gitIn(dir, 'rev-list', '--count', 'main'), '3');
    assert.equal(result.head, gitIn(dir, 'rev-parse', 'main'));
    const { g, a2 } = log.entries;
    assert.equal(trailer(dir, 'Nightshift-Entry'), hashHex(entryHash(a2)));
    assert.equal(trailer(dir, 'Nightshift-Height'), '2');
    assert.equal(trailer(dir, 'Nightshift-Metric'), 'bpc 2.3');
    assert.equal(trailer(dir, 'Nightshift-Target'), hashHex(log.fixture.targetId));
    assert.equal(trailer(dir, 'Nightshift-Author'), hashHex(a2.candidate.author));
    assert.equal(
      trailer(dir, 'Nightshift-Attestation'),
      a2.attestations.map((a) => `${hashHex(a.verifier)} ${a.metric}`).join(','),
    );
    assert.equal(gitIn(dir, 'log', '-1', '--format=%s'), 'halve the learning rate');
    assert.equal(
      gitIn(dir, 'log', '--reverse', '--format=%(trailers:key=Nightshift-Entry,valueonly)', 'main')
        .split('\n')
        .filter(Boolean)[0],
      hashHex(entryHash(g)),
    );
    const seconds = Math.floor(Math.max(...a2.attestations.map((a) => a.createdAt)) / 1000);
    assert.equal(gitIn(dir, 'log', '-1', '--format=%at %ct'), `${seconds} ${seconds}`);
    assert.equal(
      await readFile(join(dir, 'train.py'), 'utf8'),
      'LEARNING_RATE = 0.05\nLAYERS = 3\n',
    );
    assert.equal(
      gitIn(dir, 'ls-tree', '-r', '--name-only', 'main').split('\n').sort().join(' '),
      log.fixture.tree.files
        .map((f) => f.path)
        .sort()
        .join(' '),
    );
    assert.equal(gitIn(dir, 'status', '--porcelain'), '');
  });

  it('adds only new entries on a second run, and gives the same commits for the same chain', async () => {
    const log = await storedLog();
    const base = await mkdtemp(join(scratch, 'export-'));
    const dir = join(base, 'repo');
    await run(['export-git', 'tiny-lm', dir, '--data-dir', log.dataDir]);
    const before = gitIn(dir, 'rev-list', 'main');
    const again = await run(['export-git', 'tiny-lm', dir, '--json', '--data-dir', log.dataDir]);
    assert.equal(JSON.parse(again.stdout).added, 0);
    assert.equal(gitIn(dir, 'rev-list', 'main'), before, 'nothing rewritten');

    const { a2 } = log.entries;
    const a3 = await log.chain.extend(a2, entryHash(a2), { metric: 2.2, description: 'wider' });
    await addToStore(log.dataDir, log.fixture, log.chain, [a3]);
    const third = await run(['export-git', 'tiny-lm', dir, '--data-dir', log.dataDir]);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /added 1 commits, 4 on main/);
    assert.equal(gitIn(dir, 'rev-list', '--count', 'main'), '4');
    assert.equal(gitIn(dir, 'rev-list', 'main~1'), before, 'the old commits are unchanged');

    const elsewhere = join(base, 'fresh');
    await run(['export-git', 'tiny-lm', elsewhere, '--data-dir', log.dataDir]);
    assert.equal(gitIn(elsewhere, 'rev-parse', 'main'), gitIn(dir, 'rev-parse', 'main'));
  });

  it('keeps commits that left the chain on an orphaned branch when fork choice moves the head', async () => {
    const log = await storedLog();
    const dir = join(await mkdtemp(join(scratch, 'export-')), 'repo');
    await run(['export-git', 'tiny-lm', dir, '--data-dir', log.dataDir]);
    const oldHead = gitIn(dir, 'rev-parse', 'main');
    const { b1 } = log.entries;
    const b2 = await log.chain.extend(b1, entryHash(b1), { metric: 2.1, description: 'better' });
    await addToStore(log.dataDir, log.fixture, log.chain, [b2]);
    const moved = await run(['export-git', 'tiny-lm', dir, '--json', '--data-dir', log.dataDir]);
    assert.equal(moved.code, 0, moved.stdout);
    const result = JSON.parse(moved.stdout);
    const branch = `orphaned/2-${hashHex(entryHash(log.entries.a2)).slice(0, 12)}`;
    assert.equal(result.orphanedBranch, branch);
    assert.equal(result.added, 2);
    assert.equal(gitIn(dir, 'rev-parse', branch), oldHead);
    assert.equal(gitIn(dir, 'rev-list', '--count', 'main'), '3');
    assert.equal(trailer(dir, 'Nightshift-Entry'), hashHex(entryHash(b2)));
    assert.equal(gitIn(dir, 'merge-base', 'main', branch), gitIn(dir, 'rev-parse', 'main~2'));
  });

  it('refuses a directory that is not empty and not a repository, and one with local changes', async () => {
    const log = await storedLog();
    const base = await mkdtemp(join(scratch, 'export-'));
    await writeFile(join(base, 'notes.txt'), 'mine\n');
    const occupied = await run([
      'export-git',
      'tiny-lm',
      base,
      '--json',
      '--data-dir',
      log.dataDir,
    ]);
    assert.equal(occupied.code, 2);
    assert.match(JSON.parse(occupied.stdout).error.message, /not empty and not a git repository/);

    const dir = join(base, 'repo');
    await run(['export-git', 'tiny-lm', dir, '--data-dir', log.dataDir]);
    await writeFile(join(dir, 'train.py'), 'edited\n');
    const dirty = await run(['export-git', 'tiny-lm', dir, '--json', '--data-dir', log.dataDir]);
    assert.equal(dirty.code, 2);
    assert.match(JSON.parse(dirty.stdout).error.message, /uncommitted changes/);
  });

  it('refuses a repository exported from another target', async () => {
    const log = await storedLog();
    const other = await storedLog('other-lm');
    const dir = join(await mkdtemp(join(scratch, 'export-')), 'repo');
    await run(['export-git', 'other-lm', dir, '--data-dir', other.dataDir]);
    const wrong = await run(['export-git', 'tiny-lm', dir, '--json', '--data-dir', log.dataDir]);
    assert.equal(wrong.code, 2);
    assert.match(JSON.parse(wrong.stdout).error.message, /not an export of target/);
  });

  it('needs both arguments (usage, exit 2)', async () => {
    const missing = await run(['export-git', 'tiny-lm', '--json']);
    assert.equal(missing.code, 2);
    assert.equal(JSON.parse(missing.stdout).error.code, 'usage');
  });
});
