import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { blobHash, makeTree } from '@nightshift/protocol';
import { MemorySource, type TestFiles, testTarget } from '../testing/index.ts';
import { isRunnerError } from './errors.ts';
import { Workspace } from './workspace.ts';

const scratch = await mkdtemp(join(tmpdir(), 'nightshift-workspace-'));
after(() => rm(scratch, { recursive: true, force: true }));

describe('Workspace.create', () => {
  it('refuses a tree with a missing blob for that reason, leaving nothing behind while files were still being written', async () => {
    // Many files in shared directories keep every writer busy when the missing blob (sorted
    // first) fails: the removal of the workspace must not race the writers still at work.
    const files: TestFiles = {};
    for (let i = 0; i < 400; i += 1) files[`d${i % 40}/sub/f${i}.txt`] = 'x'.repeat(1000);
    const source = new MemorySource();
    const { tree } = source.add(files);
    const missing = { path: 'a-missing.txt', blob: blobHash(new Uint8Array([9])), size: 1 };
    const broken = makeTree([{ ...missing, executable: false }, ...tree.files]);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await assert.rejects(
        Workspace.create(scratch, source, broken, testTarget(), undefined),
        (e) => isRunnerError(e, 'blob_missing'),
      );
      assert.deepEqual(await readdir(scratch), [], 'the workspace was left behind');
    }
    // No writer outlived the refusal.
    await sleep(100);
    assert.deepEqual(await readdir(scratch), []);
  });
});
