/**
 * Workspaces left behind by a runner that was killed (SIGKILL, a power cut): its sandboxes
 * died with it (bubblewrap's --die-with-parent), but its scratch directories and their tmpfs
 * mounts stay. Each workspace is named after the pid of the runner that made it, so the next
 * runner in the same scratch directory removes those whose runner is gone.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const WORKSPACE_PREFIX = 'nightshift-run-';

/** The prefix of this process's workspace directories: `nightshift-run-<pid>-`. */
export function workspacePrefix(pid = process.pid): string {
  return `${WORKSPACE_PREFIX}${pid}-`;
}

/** Removes the workspaces in `scratchDir` of runners that no longer run; returns how many. */
export async function removeAbandoned(scratchDir: string): Promise<number> {
  const names = await readdir(scratchDir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const pid = Number(/^nightshift-run-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    const root = join(scratchDir, name);
    // Deepest first, lazily: a mount still busy is detached all the same.
    for (const mount of (await mountsUnder(root)).reverse()) {
      await run('umount', ['-l', mount]).catch(() => undefined);
    }
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
    removed += 1;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Mount points at or below `root`, in the order they were mounted. */
async function mountsUnder(root: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return info
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter(
      (point): point is string =>
        point !== undefined && (point === root || point.startsWith(`${root}/`)),
    );
}
