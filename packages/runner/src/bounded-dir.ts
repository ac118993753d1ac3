/**
 * Writable directories with a size limit (a phase's output directory). As root, each is a
 * tmpfs of exactly that size mounted on the host, so a write past the limit fails at once and
 * the files outlive the sandbox for the next phase. Where mounting is not allowed, the
 * directory is a plain one that the phase's poll measures (plus RLIMIT_FSIZE per file), which
 * can overshoot by what is written between two polls.
 */
import { execFile } from 'node:child_process';
import { lstat, mkdir, readdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { giveTo, type SandboxUser } from './sandbox-user.ts';

const run = promisify(execFile);

/** Files and directories an output directory may hold (a tmpfs's inode limit). */
export const MAX_OUTPUT_ENTRIES = 100_000;
/** Room above the limit, so that a tmpfs full to the limit can be told from one that overflowed. */
const SLACK_BYTES = 64 * 1024;

export interface Usage {
  bytes: number;
  entries: number;
}

export interface BoundedDir {
  readonly path: string;
  readonly kind: 'tmpfs' | 'polled';
  readonly limitBytes: number;
  usage(): Promise<Usage>;
  /** True once more than the limit was written (or more entries than MAX_OUTPUT_ENTRIES). */
  exceeded(): Promise<boolean>;
  /** Unmounts a tmpfs (its files are gone afterwards); the caller removes the directory. */
  release(): Promise<void>;
}

let mountRefused = false;

/**
 * Creates `path` with a size limit, owned by the sandbox user if there is one: a tmpfs when
 * `tmpfs` is asked for and mounting works.
 */
export async function boundedDir(
  path: string,
  limitBytes: number,
  tmpfs: boolean,
  user?: SandboxUser,
): Promise<BoundedDir> {
  await mkdir(path, { recursive: true, mode: 0o755 });
  await giveTo(path, user);
  if (tmpfs && !mountRefused && process.getuid?.() === 0) {
    const owner = user ? `,uid=${user.uid},gid=${user.gid}` : '';
    const inodes = MAX_OUTPUT_ENTRIES + 1;
    const options = `size=${limitBytes + SLACK_BYTES},nr_inodes=${inodes},mode=0755${owner}`;
    try {
      await run('mount', ['-t', 'tmpfs', '-o', options, 'nightshift-output', path]);
      return dir(
        path,
        'tmpfs',
        limitBytes,
        () => tmpfsUsage(path),
        () => unmount(path),
      );
    } catch {
      // Not allowed here (no CAP_SYS_ADMIN in this namespace): poll instead, from now on.
      mountRefused = true;
    }
  }
  return dir(
    path,
    'polled',
    limitBytes,
    () => treeSize(path),
    async () => {},
  );
}

function dir(
  path: string,
  kind: BoundedDir['kind'],
  limitBytes: number,
  usage: () => Promise<Usage>,
  release: () => Promise<void>,
): BoundedDir {
  return {
    path,
    kind,
    limitBytes,
    usage,
    release,
    async exceeded() {
      const used = await usage();
      return used.bytes > limitBytes || used.entries > MAX_OUTPUT_ENTRIES;
    },
  };
}

async function tmpfsUsage(path: string): Promise<Usage> {
  const fs = await statfs(path);
  return { bytes: (fs.blocks - fs.bfree) * fs.bsize, entries: fs.files - fs.ffree - 1 };
}

async function unmount(path: string): Promise<void> {
  await run('umount', [path]).catch(() => run('umount', ['-l', path]));
}

/** Bytes (apparent sizes) and entries under `root`, counting no further than the entry limit. */
export async function treeSize(root: string): Promise<Usage> {
  const usage: Usage = { bytes: 0, entries: 0 };
  const pending = [root];
  while (pending.length > 0 && usage.entries <= MAX_OUTPUT_ENTRIES) {
    const dir = pending.pop()!;
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      usage.entries += 1;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else usage.bytes += (await lstat(path).catch(() => ({ size: 0 }))).size;
    }
  }
  return usage;
}

/**
 * Removes everything but regular files and directories (symlinks, FIFOs, sockets, devices)
 * from a phase's output before the next phase reads it: a symlink left by candidate code could
 * point the harness at held-out data, a FIFO could block it.
 */
export async function keepPlainFiles(root: string): Promise<number> {
  let removed = 0;
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (!entry.isFile()) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
  }
  return removed;
}
