import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { blobHash } from '@nightshift/protocol';
import { MemorySource } from '../testing/index.ts';
import { keepPlainFiles, treeSize } from './bounded-dir.ts';
import { isRunnerError } from './errors.ts';
import { materializeViews, viewsOf } from './materialize.ts';

const scratch = await mkdtemp(join(tmpdir(), 'nightshift-materialize-'));
after(() => rm(scratch, { recursive: true, force: true }));
const target = { mutablePaths: ['src/', 'train.py'], heldOutPaths: ['data/test/'] };
let count = 0;
const fresh = async () => {
  count += 1;
  const dir = join(scratch, `w${count}`);
  await mkdir(dir);
  return dir;
};

describe('materializeViews', () => {
  it('puts held-out files in the score view only, mutable files in the run view only', () => {
    assert.deepEqual(viewsOf('data/test/a.txt', target), ['score']);
    assert.deepEqual(viewsOf('src/model.py', target), ['run']);
    assert.deepEqual(viewsOf('score.py', target), ['run', 'score', 'harness']);
    assert.deepEqual(viewsOf('data/train.txt', target), ['run', 'score', 'harness']);
  });

  it('writes each view with executable bits, sharing harness files by hard link', async () => {
    const source = new MemorySource();
    const { tree } = source.add({
      'run.sh': { content: '#!/bin/sh\n', executable: true },
      'score.py': 'print(1)\n',
      'train.py': 'pass\n',
      'data/test/a.txt': 'secret\n',
    });
    const views = await materializeViews(source, tree, target, await fresh());
    assert.equal(await readFile(join(views.run, 'train.py'), 'utf8'), 'pass\n');
    await assert.rejects(stat(join(views.run, 'data/test/a.txt')));
    await assert.rejects(stat(join(views.score, 'train.py')));
    await assert.rejects(stat(join(views.harness, 'data/test/a.txt')));
    assert.equal(await readFile(join(views.score, 'data/test/a.txt'), 'utf8'), 'secret\n');
    assert.equal((await stat(join(views.run, 'run.sh'))).mode & 0o777, 0o755);
    assert.equal((await stat(join(views.run, 'score.py'))).mode & 0o777, 0o644);
    const [a, b] = await Promise.all([
      stat(join(views.run, 'score.py')),
      stat(join(views.score, 'score.py')),
    ]);
    assert.equal(a.ino, b.ino);
  });

  it('refuses a tree whose blob is missing, whose size is wrong, or whose path leaves the directory', async () => {
    const source = new MemorySource();
    const { tree } = source.add({ 'a.txt': 'a' });
    const missing = {
      files: [{ path: 'b.txt', blob: blobHash(new Uint8Array([1])), size: 1, executable: false }],
    };
    await assert.rejects(materializeViews(source, missing, target, await fresh()), (e) =>
      isRunnerError(e, 'blob_missing'),
    );
    const wrongSize = { files: [{ ...tree.files[0]!, size: 5 }] };
    await assert.rejects(materializeViews(source, wrongSize, target, await fresh()), (e) =>
      isRunnerError(e, 'invalid_tree'),
    );
    const escaping = { files: [{ ...tree.files[0]!, path: '../a.txt' }] };
    await assert.rejects(materializeViews(source, escaping, target, await fresh()), (e) =>
      isRunnerError(e, 'invalid_tree'),
    );
  });

  it('has stopped writing when it refuses a tree part way through', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i += 1) files[`d${i % 40}/f${i}.txt`] = 'x'.repeat(1000);
    const source = new MemorySource();
    const { tree } = source.add(files);
    const missing = { path: 'a.txt', blob: blobHash(new Uint8Array([9])), size: 1 };
    const broken = { files: [{ ...missing, executable: false }, ...tree.files] };
    const dir = await fresh();
    await assert.rejects(materializeViews(source, broken, target, dir), (e) =>
      isRunnerError(e, 'blob_missing'),
    );
    const atRefusal = await treeSize(dir);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(await treeSize(dir), atRefusal, 'files were written after the refusal');
  });
});

describe('output directories', () => {
  it('keep only plain files and directories for the next phase', async () => {
    const dir = await fresh();
    await mkdir(join(dir, 'sub'));
    await symlink('/etc/passwd', join(dir, 'sub', 'link'));
    await symlink('../x', join(dir, 'dangling'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'sub', 'kept.txt'), 'ok');
    assert.equal(await keepPlainFiles(dir), 2);
    assert.deepEqual(await treeSize(dir), { bytes: 2, entries: 2 });
  });
});
