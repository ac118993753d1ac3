import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { blobHash, hashHex, treeHash } from '@nightshift/protocol';
import { isTargetDirError } from './errors.ts';
import { loadTargetDir } from './load.ts';

const TINY_LM = fileURLToPath(new URL('../../../targets/tiny-lm', import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), 'nightshift-target-dir-'));
after(() => rm(scratch, { recursive: true, force: true }));

const manifest = JSON.parse(
  await (await import('node:fs/promises')).readFile(join(TINY_LM, 'target.json'), 'utf8'),
);

async function targetDir(name: string, files: Record<string, string>, json: unknown = manifest) {
  const dir = join(scratch, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await writeFile(join(dir, 'target.json'), typeof json === 'string' ? json : JSON.stringify(json));
  return dir;
}

describe('loadTargetDir', () => {
  it('reads tiny-lm: its manifest, and every file but the manifest as the baseline tree', async () => {
    const loaded = await loadTargetDir(TINY_LM);
    assert.equal(loaded.manifest.name, 'tiny-lm');
    assert.deepEqual(loaded.manifest.mutablePaths, ['model.py']);
    assert.deepEqual(loaded.manifest.predict, ['python3', 'model.py', 'predict']);
    const paths = loaded.tree.files.map((f) => f.path);
    for (const path of ['model.py', 'harness/score.py', 'data/heldout.txt', 'program.md']) {
      assert.ok(paths.includes(path), path);
    }
    assert.ok(!paths.includes('target.json'));
    assert.ok(!paths.some((p) => p.includes('__pycache__') || p.startsWith('.')));
    assert.equal(hashHex(loaded.treeHash), hashHex(treeHash(loaded.tree)));
    for (const file of loaded.files) {
      const entry = loaded.tree.files.find((f) => f.path === file.path)!;
      assert.equal(hashHex(entry.blob), hashHex(blobHash(file.bytes)));
    }
  });

  it('keeps the executable bit, and skips dot-files and caches', async () => {
    const dir = await targetDir('modes', {
      'run.sh': '#!/bin/sh\n',
      'lib/a.py': 'x = 1\n',
      '.git/config': '',
      'lib/__pycache__/a.pyc': '',
    });
    await chmod(join(dir, 'run.sh'), 0o755);
    const { tree } = await loadTargetDir(dir);
    assert.deepEqual(
      tree.files.map((f) => [f.path, f.executable]),
      [
        ['lib/a.py', false],
        ['run.sh', true],
      ],
    );
  });

  it('refuses a symbolic link rather than following it', async () => {
    const dir = await targetDir('links', { 'a.py': '' });
    await symlink('/etc/passwd', join(dir, 'passwd'));
    await assert.rejects(loadTargetDir(dir), (err) => isTargetDirError(err, 'file_invalid'));
  });

  it('names the manifest field that is missing or of the wrong type', async () => {
    const cases: [unknown, RegExp][] = [
      ['{not json', /not JSON/],
      [[], /target\.json must be an object/],
      [{ ...manifest, run: 'python3 model.py' }, /run must be an array/],
      [{ ...manifest, minDelta: '0.1' }, /minDelta must be a number/],
      [{ ...manifest, metric: { ...manifest.metric, direction: 'down' } }, /metric\.direction/],
      [{ ...manifest, limits: { ...manifest.limits, memoryMb: null } }, /limits\.memoryMb/],
      [{ ...manifest, searchSpace: [{ name: 'X', file: 'm.py', kind: 'big' }] }, /kind/],
      [{ ...manifest, name: undefined }, /name must be a string/],
    ];
    for (const [i, [json, message]] of cases.entries()) {
      const dir = await targetDir(`bad-${i}`, { 'a.py': '' }, json);
      await assert.rejects(
        loadTargetDir(dir),
        (err) => isTargetDirError(err, 'manifest_invalid') && message.test((err as Error).message),
      );
    }
    await assert.rejects(loadTargetDir(join(scratch, 'absent')), (err) =>
      isTargetDirError(err, 'manifest_missing'),
    );
  });
});
