/**
 * bubblewrap: finding it, checking that it can make a sandbox here, and the command line of
 * one phase's sandbox (the contract is in PROTOCOL.md §5.1 and this package's README).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, lstatSync, readlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { RunnerError } from './errors.ts';

const run = promisify(execFile);

export const INSTALL_HINT =
  'install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`; Fedora: `dnf install bubblewrap`)';

/** System directories every sandbox sees read-only; symlinks (merged /usr) stay symlinks. */
export const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** The only files of /etc a sandbox sees: the dynamic linker's and the alternatives links.
 *  passwd and group are written by the runner (one user, HOME=/tmp). */
export const SYSTEM_ETC = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
];

export interface Mount {
  host: string;
  sandbox: string;
  writable: boolean;
}

export interface SandboxSpec {
  mounts: Mount[];
  env: Record<string, string>;
  cwd: string;
  /** Size of each of the private tmpfs /tmp and /dev/shm. */
  tmpBytes: number;
  /** Device nodes to pass through (the assigned GPU's /dev/nvidia*). */
  devices: string[];
  /** Extra host directories to show read-only at the same path (e.g. /opt/conda). */
  systemPaths: string[];
  argv: string[];
}

/** The bwrap executable for `path` (a name looked up on PATH, or a path), if it exists. */
export function findBubblewrap(path = 'bwrap'): string | undefined {
  const candidates = path.includes('/')
    ? [path]
    : [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/bin']
        .filter(Boolean)
        .map((d) => join(d, path));
  return candidates.find((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const probes = new Map<string, Promise<void>>();

/** Runs `true` in the kind of sandbox a phase gets; refuses with `sandbox_unusable` if that fails. */
export function probeBubblewrap(bwrap: string): Promise<void> {
  let probe = probes.get(bwrap);
  if (!probe) {
    const spec: SandboxSpec = {
      mounts: [],
      env: { PATH: '/usr/bin:/bin' },
      cwd: '/',
      tmpBytes: 1024 * 1024,
      devices: [],
      systemPaths: [],
      argv: ['true'],
    };
    probe = run(bwrap, bubblewrapArgs(spec), { timeout: 30_000 }).then(
      () => undefined,
      (err: { stderr?: string; message: string }) => {
        throw new RunnerError(
          'sandbox_unusable',
          `${bwrap} cannot create a sandbox here: ${(err.stderr || err.message).trim()}`,
          { cause: err },
        );
      },
    );
    probes.set(bwrap, probe);
  }
  return probe;
}

/**
 * The bwrap arguments of one sandbox: every namespace unshared (no network), no capabilities,
 * a read-only root with only the system directories, a private /proc, /dev, /tmp and
 * /dev/shm, the phase's mounts, a clean environment. bwrap's own pid 1 ends the whole pid
 * namespace when the command exits, so nothing started inside outlives it.
 */
export function bubblewrapArgs(spec: SandboxSpec): string[] {
  const args = ['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
  for (const dir of SYSTEM_DIRS) args.push(...systemMount(dir));
  for (const path of spec.systemPaths) args.push('--ro-bind', path, path);
  for (const path of SYSTEM_ETC) args.push('--ro-bind-try', path, path);
  args.push('--proc', '/proc', '--dev', '/dev');
  for (const device of spec.devices) args.push('--dev-bind', device, device);
  const size = String(spec.tmpBytes);
  args.push('--size', size, '--tmpfs', '/dev/shm', '--remount-ro', '/dev');
  args.push('--size', size, '--tmpfs', '/tmp');
  for (const m of spec.mounts) args.push(m.writable ? '--bind' : '--ro-bind', m.host, m.sandbox);
  args.push('--remount-ro', '/', '--chdir', spec.cwd, '--clearenv');
  for (const [name, value] of Object.entries(spec.env)) args.push('--setenv', name, value);
  args.push('--', ...spec.argv);
  return args;
}

function systemMount(dir: string): string[] {
  try {
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) return ['--symlink', readlinkSync(dir), dir];
    return stat.isDirectory() ? ['--ro-bind', dir, dir] : [];
  } catch {
    return [];
  }
}
