/**
 * What each phase sees: its mounts and environment (the sandbox contract of PROTOCOL.md §5.1),
 * turned into the launch of a sandboxed process, or of a bare one in unsafe mode, where the
 * same variables hold host paths instead.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Limits } from '@nightshift/protocol';
import type { BoundedDir } from './bounded-dir.ts';
import { bubblewrapArgs, type Mount } from './bubblewrap.ts';
import type { Phase } from './outcome.ts';
import type { PhaseLaunch } from './phase-process.ts';
import type { SandboxUser } from './sandbox-user.ts';

/** Where things are inside a sandbox. */
export const SANDBOX_PATHS = {
  tree: '/nightshift/tree',
  output: '/nightshift/out',
  score: '/nightshift/score',
  setup: '/nightshift/setup',
} as const;

export const SANDBOX_PATH_ENV = '/usr/local/bin:/usr/bin:/bin';

/** The predictor's pipes, as the score phase's file descriptors. */
export const PREDICTOR_IN_FD = 3;
export const PREDICTOR_OUT_FD = 4;

/** Host directories of one phase; undefined ones are not shown to it. */
export interface PhaseDirs {
  tree: string;
  /** The run phase's output: writable in `run`, read-only afterwards. */
  output?: string;
  score?: string;
  /** The setup result: writable in `setup`, read-only afterwards. */
  setup?: string;
  /** passwd and group for the sandbox (one user, home /tmp). */
  etc: string;
  /** HOME of an unsandboxed phase. */
  home: string;
}

export interface LaunchContext {
  /** bwrap's path; undefined in unsafe mode. */
  bwrap: string | undefined;
  seed: number;
  gpus: string;
  withPredictor: boolean;
  limits: Limits;
  deadline: number;
  pollMs: number;
  cgroups: boolean;
  prlimit: string | undefined;
  systemPaths: string[];
  outputDirs: BoundedDir[];
  user: SandboxUser | undefined;
  setpriv: string | undefined;
  sharedTasks?: number;
  onStdout?: (chunk: Buffer) => void;
}

const WRITABLE_IN: Record<'output' | 'score' | 'setup', Phase> = {
  output: 'run',
  score: 'score',
  setup: 'setup',
};

export function phaseLaunch(
  phase: Phase,
  argv: string[],
  dirs: PhaseDirs,
  ctx: LaunchContext,
): PhaseLaunch {
  const sandboxed = ctx.bwrap !== undefined;
  const shown = (key: 'output' | 'score' | 'setup') =>
    dirs[key] === undefined ? undefined : sandboxed ? SANDBOX_PATHS[key] : dirs[key];
  const env: Record<string, string> = {
    PATH: SANDBOX_PATH_ENV,
    HOME: sandboxed ? '/tmp' : dirs.home,
    PYTHONDONTWRITEBYTECODE: '1',
    NIGHTSHIFT_PHASE: phase,
    NIGHTSHIFT_SEED: String(ctx.seed),
    CUDA_VISIBLE_DEVICES: phase === 'setup' ? '' : ctx.gpus,
  };
  const variables = {
    output: 'NIGHTSHIFT_OUTPUT',
    score: 'NIGHTSHIFT_SCORE_OUTPUT',
    setup: 'NIGHTSHIFT_SETUP',
  };
  for (const key of ['output', 'score', 'setup'] as const) {
    const path = shown(key);
    if (path !== undefined) env[variables[key]] = path;
  }
  if (phase === 'score' && ctx.withPredictor) {
    env.NIGHTSHIFT_PREDICTOR_IN = String(PREDICTOR_IN_FD);
    env.NIGHTSHIFT_PREDICTOR_OUT = String(PREDICTOR_OUT_FD);
  }
  const common = {
    phase,
    limits: ctx.limits,
    deadline: ctx.deadline,
    pollMs: ctx.pollMs,
    outputDirs: ctx.outputDirs,
    cgroups: ctx.cgroups,
    prlimit: ctx.prlimit,
    sandboxed,
    user: ctx.user,
    setpriv: ctx.setpriv,
    sharedTasks: ctx.sharedTasks,
    onStdout: ctx.onStdout,
  };
  if (!sandboxed) return { ...common, command: argv, env, cwd: dirs.tree };

  const mounts: Mount[] = [
    { host: join(dirs.etc, 'passwd'), sandbox: '/etc/passwd', writable: false },
    { host: join(dirs.etc, 'group'), sandbox: '/etc/group', writable: false },
    { host: dirs.tree, sandbox: SANDBOX_PATHS.tree, writable: false },
  ];
  for (const key of ['output', 'score', 'setup'] as const) {
    const host = dirs[key];
    if (host !== undefined)
      mounts.push({ host, sandbox: SANDBOX_PATHS[key], writable: WRITABLE_IN[key] === phase });
  }
  const args = bubblewrapArgs({
    mounts,
    env,
    cwd: SANDBOX_PATHS.tree,
    tmpBytes: ctx.limits.memoryMb * 2 ** 20,
    devices: ctx.gpus === '' || phase === 'setup' ? [] : gpuDevices(),
    systemPaths: ctx.systemPaths,
    argv,
  });
  return { ...common, command: [ctx.bwrap!, ...args], env: { PATH: '/usr/bin:/bin' } };
}

/** The NVIDIA device nodes (all of them: CUDA_VISIBLE_DEVICES selects among them). */
export function gpuDevices(): string[] {
  try {
    return readdirSync('/dev')
      .filter((name) => name.startsWith('nvidia'))
      .map((name) => `/dev/${name}`);
  } catch {
    return [];
  }
}

/** passwd and group of a sandbox: its one user, named `nightshift`, with home /tmp. */
export function etcFiles(user: SandboxUser | undefined): { passwd: string; group: string } {
  const uid = user?.uid ?? process.getuid?.() ?? 0;
  const gid = user?.gid ?? process.getgid?.() ?? 0;
  return {
    passwd: `nightshift:x:${uid}:${gid}:nightshift:/tmp:/bin/sh\n`,
    group: `nightshift:x:${gid}:\n`,
  };
}
