/**
 * The user a sandbox runs as. A runner started as root (as verifiers and CI often are) runs
 * each experiment as its own unprivileged uid, so that:
 * - code that escaped the sandbox would still not be root;
 * - RLIMIT_NPROC, which root ignores and which counts every task of a uid, bounds exactly
 *   the experiment's tasks: the kernel stops a fork bomb even where no cgroup can be made.
 * The uid is fresh per experiment; the gid is shared by all sandboxes, and the scratch
 * directory is `root:<gid>` 0750, so no other local user can read a tree or its held-out
 * files. bubblewrap then runs unprivileged, which needs user namespaces: where it cannot,
 * sandboxes stay root and the runner says so.
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmod, chown, lstat, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { bubblewrapArgs } from './bubblewrap.ts';

const run = promisify(execFile);

/** Far above the uids and gids that distributions hand out. */
export const SANDBOX_GID = 1_850_000_000;
const UID_SPAN = 2 ** 24;

export interface SandboxUser {
  uid: number;
  gid: number;
}

/** A fresh uid for one experiment. */
export function freshSandboxUser(): SandboxUser {
  return { uid: SANDBOX_GID + 1 + randomInt(UID_SPAN), gid: SANDBOX_GID };
}

/** The setpriv arguments that drop to `user` before the rest of the command is executed. */
export function dropTo(setpriv: string, user: SandboxUser): string[] {
  return [setpriv, `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--'];
}

const probes = new Map<string, Promise<string | undefined>>();

/**
 * Whether sandboxes can run as an unprivileged uid here: undefined when they can, else why
 * not. `bwrap` undefined (unsafe mode) needs only root and setpriv.
 */
export function sandboxUserSupport(
  setpriv: string | undefined,
  bwrap: string | undefined,
): Promise<string | undefined> {
  const key = `${setpriv}\0${bwrap}`;
  let probe = probes.get(key);
  if (!probe) {
    probe = check(setpriv, bwrap);
    probes.set(key, probe);
  }
  return probe;
}

async function check(
  setpriv: string | undefined,
  bwrap: string | undefined,
): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'the runner is not root: sandboxes run as its own user';
  if (!setpriv) return 'setpriv (util-linux) is not installed';
  if (!bwrap) return undefined;
  const spec = {
    mounts: [],
    env: {},
    cwd: '/',
    tmpBytes: 2 ** 20,
    devices: [],
    systemPaths: [],
    argv: ['true'],
  };
  try {
    const [command, ...args] = dropTo(setpriv, freshSandboxUser());
    await run(command!, [...args, bwrap, ...bubblewrapArgs(spec)], { timeout: 30_000 });
    return undefined;
  } catch (err) {
    const reason = ((err as { stderr?: string }).stderr || (err as Error).message).trim();
    return `bubblewrap cannot run unprivileged here (user namespaces?): ${reason}`;
  }
}

/**
 * Whether a sandbox user could reach `dir`: every directory above it must let others search
 * it (a 0700 parent, such as most home directories, would hide the scratch directory).
 */
export async function reachableByOthers(dir: string): Promise<boolean> {
  for (let path = resolve(dir); ; path = dirname(path)) {
    const mode = (await stat(path).catch(() => undefined))?.mode;
    if (mode === undefined || (mode & 0o001) === 0) return false;
    if (path === dirname(path)) return true;
  }
}

/** Gives `path` to the sandbox user (a directory it writes to). */
export async function giveTo(path: string, user: SandboxUser | undefined): Promise<void> {
  if (user) await chown(path, user.uid, user.gid);
}

/** Makes `path` traversable by sandboxes only: `root:<gid>` 0750. */
export async function shareWithSandboxes(
  path: string,
  user: SandboxUser | undefined,
): Promise<void> {
  if (!user) return;
  await chown(path, 0, user.gid);
  await chmod(path, 0o750);
}

/**
 * Hands a finished setup directory to root and the sandbox group, readable by every later
 * sandbox whatever modes the setup gave its files (and writable by none).
 */
export async function shareTree(root: string, user: SandboxUser | undefined): Promise<void> {
  if (!user) return;
  const pending = [root];
  while (pending.length > 0) {
    const path = pending.pop()!;
    const stat = await lstat(path);
    if (stat.isSymbolicLink()) continue;
    await chown(path, 0, user.gid);
    const executable = stat.isDirectory() || (stat.mode & 0o111) !== 0;
    await chmod(path, executable ? 0o750 : 0o640);
    if (stat.isDirectory()) for (const name of await readdir(path)) pending.push(join(path, name));
  }
}
