import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { removeAbandoned, workspacePrefix } from './abandoned.ts';

const run = promisify(execFile);
const scratch = await mkdtemp(join(tmpdir(), 'nightshift-abandoned-'));
after(() => rm(scratch, { recursive: true, force: true }));

/** A pid that no process holds any more: one of a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

async function workspaceOf(pid: number): Promise<string> {
  const root = join(scratch, `${workspacePrefix(pid)}x`);
  await mkdir(join(root, 'run', 'sub'), { recursive: true });
  await writeFile(join(root, 'run', 'sub', 'file.txt'), 'left behind');
  return root;
}

describe('removeAbandoned', () => {
  it('removes the workspaces of runners that are gone, and never those of a runner still running', async (t) => {
    const live = spawn('sleep', ['30']);
    t.after(() => live.kill('SIGKILL'));
    const dead = await deadPid();
    await workspaceOf(process.pid);
    await workspaceOf(live.pid!);
    const abandoned = await workspaceOf(dead);
    // As root, a dead runner's output tmpfs is still mounted: it is unmounted, then removed.
    const mounted = process.getuid?.() === 0 && (await mountTmpfs(join(abandoned, 'out')));
    await mkdir(join(scratch, 'not-a-workspace'));

    assert.equal(await removeAbandoned(scratch), 1);
    const kept = [`${workspacePrefix(live.pid!)}x`, `${workspacePrefix(process.pid)}x`];
    assert.deepEqual((await readdir(scratch)).sort(), [...kept, 'not-a-workspace'].sort());
    if (mounted) {
      const mounts = await readFile('/proc/self/mountinfo', 'utf8');
      assert.ok(!mounts.includes(abandoned), 'the tmpfs of the removed workspace is still mounted');
    }
    assert.equal(await removeAbandoned(scratch), 0);
  });
});

async function mountTmpfs(path: string): Promise<boolean> {
  await mkdir(path);
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=65536', 'nightshift-output', path]);
    await writeFile(join(path, 'result.txt'), 'in the tmpfs');
    return true;
  } catch {
    return false;
  }
}
