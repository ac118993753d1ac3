/**
 * One phase's process: started inside its own cgroup (or watched by polling where there is
 * none), with stdout and stderr counted and tailed, and stopped, with everything it started,
 * at the first limit it reaches. The outcome names that limit; how each one is enforced is in
 * the README ("Limits").
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import type { Limits } from '@nightshift/protocol';
import type { BoundedDir } from './bounded-dir.ts';
import { StreamTail } from './capture.ts';
import { type CgroupEvents, SandboxCgroup } from './cgroups.ts';
import { RunnerError } from './errors.ts';
import type { LimitName, Phase } from './outcome.ts';
import { dropTo, type SandboxUser } from './sandbox-user.ts';
import { killTree, treeUsage, uidTasks } from './watchdog.ts';

/** Tasks the sandbox itself adds to a cgroup: the outer bwrap and its pid 1. */
export const SANDBOX_TASKS = 2;
/** Bytes of stdout and of stderr kept for reports. */
const TAIL_BYTES = 16 * 1024;
/** How long an unsandboxed phase's streams may stay open after it exits (a daemon holding them). */
const CLOSE_GRACE_MS = 2000;

export interface PhaseLaunch {
  phase: Phase;
  /** What to execute: bwrap and its arguments, or the bare command when unsandboxed. */
  command: string[];
  env: Record<string, string>;
  /** Host working directory (unsandboxed runs; bwrap sets its own). */
  cwd?: string;
  limits: Limits;
  /** When the wall limit strikes, in Date.now() milliseconds (shared by score and predict). */
  deadline: number;
  pollMs: number;
  /** Output directories this phase writes to, checked at every poll and at the end. */
  outputDirs: BoundedDir[];
  /** Whether to try a cgroup (false: always poll, as where none can be made). */
  cgroups: boolean;
  /** prlimit, when installed: RLIMIT_CORE=0 always, RLIMIT_FSIZE where output dirs are polled. */
  prlimit: string | undefined;
  /** The unprivileged user to drop to (with setpriv) when the runner is root. */
  user?: SandboxUser;
  /** Tasks that other phases running at the same time as the same user may hold (the
   *  predictor beside the harness): RLIMIT_NPROC counts the uid's tasks together. */
  sharedTasks?: number;
  setpriv?: string;
  sandboxed: boolean;
  onStdout?: (chunk: Buffer) => void;
}

export interface PhaseResult {
  phase: Phase;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The limit it was stopped at, if any. */
  limit?: LimitName;
  /** Stopped by the runner without a limit (a predictor once its harness is done). */
  stopped: boolean;
  durationMs: number;
  stdoutTail: string;
  stderrTail: string;
  stdoutBytes: number;
  stderrBytes: number;
  peakMemoryBytes?: number;
  /** How memory and tasks were bounded: by a cgroup, by RLIMIT_NPROC, or by polling alone. */
  enforcement: { memory: 'cgroup' | 'polled'; tasks: 'cgroup' | 'rlimit' | 'polled' };
}

/** The exit status a shell reports for a process killed by SIGXFSZ (a file passed RLIMIT_FSIZE). */
const SIGXFSZ_STATUS = 128 + 25;

export class PhaseProcess {
  private child: ChildProcess | undefined;
  private limit: LimitName | undefined;
  private stopped = false;
  private peakPolled = 0;
  private readonly stdout = new StreamTail(TAIL_BYTES);
  private readonly stderr = new StreamTail(TAIL_BYTES);

  private constructor(
    private readonly launch: PhaseLaunch,
    private readonly cgroup: SandboxCgroup | undefined,
    /** RLIMIT_NPROC where there is no cgroup and the runner is not root (root ignores it). */
    private readonly nproc: number | undefined,
  ) {}

  /** Makes the phase's cgroup; `spawn` then starts it synchronously. */
  static async prepare(launch: PhaseLaunch): Promise<PhaseProcess> {
    const { memoryMb, processes } = launch.limits;
    const cgroup = launch.cgroups
      ? await SandboxCgroup.open({
          memoryBytes: memoryMb * 2 ** 20,
          tasks: processes + SANDBOX_TASKS,
        })
      : undefined;
    const sandboxCgroup = cgroup instanceof SandboxCgroup ? cgroup : undefined;
    return new PhaseProcess(launch, sandboxCgroup, await nprocLimit(launch, sandboxCgroup));
  }

  get enforcement(): PhaseResult['enforcement'] {
    if (this.cgroup) return { memory: 'cgroup', tasks: 'cgroup' };
    return { memory: 'polled', tasks: this.nproc === undefined ? 'polled' : 'rlimit' };
  }

  /**
   * Starts the process. Synchronous, so that sockets passed in `stdio` (the harness's ends of
   * the predictor's pipes) can be closed in this same tick, before Node reads from them.
   */
  spawn(stdio: StdioOptions = ['ignore', 'pipe', 'pipe']): {
    child: ChildProcess;
    done: Promise<PhaseResult>;
  } {
    const { launch } = this;
    const drop = launch.user && launch.setpriv ? dropTo(launch.setpriv, launch.user) : [];
    const wrapper = [...this.joinCgroup(), ...drop, ...this.rlimits(), ...launch.command];
    const started = Date.now();
    const child = spawn(wrapper[0]!, wrapper.slice(1), {
      stdio,
      env: launch.env,
      cwd: launch.cwd,
      detached: true,
    });
    this.child = child;
    return { child, done: this.watch(child, started) };
  }

  /** Stops the phase at `limit` (or, without one, because the runner is done with it). */
  stop(limit?: LimitName): void {
    if (this.limit || this.stopped) return;
    if (limit) this.limit = limit;
    else this.stopped = true;
    this.killNow();
  }

  private async watch(child: ChildProcess, started: number): Promise<PhaseResult> {
    const { launch } = this;
    const outputBytes = launch.limits.outputMb * 2 ** 20;
    const count = (tail: StreamTail, forward?: (chunk: Buffer) => void) => (chunk: Buffer) => {
      tail.push(chunk);
      forward?.(chunk);
      if (this.stdout.bytes + this.stderr.bytes > outputBytes) this.stop('output');
    };
    child.stdout?.on('data', count(this.stdout, launch.onStdout));
    child.stderr?.on('data', count(this.stderr));
    const wall = setTimeout(() => this.stop('wall'), Math.max(0, launch.deadline - Date.now()));
    let polling = false;
    const poll = setInterval(() => {
      if (polling) return;
      polling = true;
      this.poll().finally(() => {
        polling = false;
      });
    }, launch.pollMs);

    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.once('error', (err) =>
          reject(
            new RunnerError('spawn_failed', `${launch.phase}: ${err.message}`, { cause: err }),
          ),
        );
        child.once('exit', (code, signal) => resolve({ code, signal }));
      },
    ).finally(() => {
      clearTimeout(wall);
      clearInterval(poll);
    });
    // Whatever the phase left behind dies with it: the pid namespace took the sandbox's
    // processes along; the cgroup and the process group catch the rest.
    this.killNow();
    await this.closed(child);
    await this.finalChecks(exit.code, exit.signal);
    const peak = this.cgroup ? await this.cgroup.peakMemoryBytes() : this.peakPolled || undefined;
    if (this.cgroup) {
      await this.cgroup.killAll();
      await this.cgroup.remove();
    }
    return {
      phase: launch.phase,
      exitCode: exit.code,
      signal: exit.signal,
      limit: this.limit,
      stopped: this.stopped,
      durationMs: Date.now() - started,
      stdoutTail: this.stdout.text(),
      stderrTail: this.stderr.text(),
      stdoutBytes: this.stdout.bytes,
      stderrBytes: this.stderr.bytes,
      peakMemoryBytes: peak,
      enforcement: this.enforcement,
    };
  }

  /** One look at memory, tasks and output files; stops the phase at the first limit passed. */
  private async poll(): Promise<void> {
    const { limits } = this.launch;
    if (this.cgroup) {
      const hit = limitOfEvents(await this.cgroup.events());
      if (hit) return this.stop(hit);
    } else if (this.child?.pid !== undefined) {
      const usage = await treeUsage(this.child.pid, limits.processes + SANDBOX_TASKS);
      this.peakPolled = Math.max(this.peakPolled, usage.memoryBytes);
      if (usage.tasks > limits.processes + SANDBOX_TASKS) return this.stop('processes');
      if (usage.memoryBytes > limits.memoryMb * 2 ** 20) return this.stop('memory');
    }
    for (const dir of this.launch.outputDirs) if (await dir.exceeded()) return this.stop('output');
  }

  /** Limits that show only once the phase is over: an OOM kill, a full output directory. */
  private async finalChecks(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.limit || this.stopped) return;
    if (this.cgroup) {
      const hit = limitOfEvents(await this.cgroup.events());
      if (hit) this.limit = hit;
    }
    if (!this.limit && (signal === 'SIGXFSZ' || code === SIGXFSZ_STATUS)) this.limit = 'output';
    for (const dir of this.launch.outputDirs)
      if (!this.limit && (await dir.exceeded())) this.limit = 'output';
  }

  private killNow(): void {
    const pid = this.child?.pid;
    if (pid !== undefined) {
      if (!this.launch.sandboxed) void killTree(pid);
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }
    void this.cgroup?.killAll();
  }

  private async closed(child: ChildProcess): Promise<void> {
    const streams = [child.stdout, child.stderr].filter((s) => s && !s.readableEnded);
    const ended = Promise.all(streams.map((s) => new Promise((r) => s!.once('close', r))));
    const grace = new Promise((r) => setTimeout(r, CLOSE_GRACE_MS).unref());
    await Promise.race([ended, grace]);
    for (const s of streams) s!.destroy();
  }

  /** `sh -c` joins the cgroup(s) with its own pid, then execs the rest: nothing runs outside. */
  private joinCgroup(): string[] {
    if (!this.cgroup) return [];
    const script =
      'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
    return ['/bin/sh', '-c', script, 'sh', ...this.cgroup.procsFiles, '--'];
  }

  private rlimits(): string[] {
    const { prlimit, outputDirs, limits } = this.launch;
    // Without a cgroup the limits are polled, and a fork bomb would starve the poll of CPU:
    // the sandbox runs at the lowest priority, so the runner always gets its turn.
    const nice = this.cgroup ? [] : ['nice', '-n', '19'];
    if (!prlimit) return nice;
    const args = [...nice, prlimit, '--core=0'];
    if (outputDirs.some((d) => d.kind === 'polled')) {
      args.push(`--fsize=${limits.outputMb * 2 ** 20 + 65536}`);
    }
    if (this.nproc !== undefined) args.push(`--nproc=${this.nproc}`);
    return [...args, '--'];
  }
}

/**
 * RLIMIT_NPROC, which counts every task of the real uid (root is exempt). A sandbox user of
 * its own runs nothing else, so the bound is exact: one task above the limit is let through,
 * so that the poll sees the limit passed. A runner that is not root shares its uid with its
 * user's other processes: the bound is what the uid runs now plus the phase's share. As root
 * without a sandbox user, only the cgroup or the poll bounds tasks.
 */
async function nprocLimit(
  launch: PhaseLaunch,
  cgroup: SandboxCgroup | undefined,
): Promise<number | undefined> {
  const share = launch.limits.processes + SANDBOX_TASKS + (launch.sharedTasks ?? 0);
  if (launch.user && launch.setpriv) return share + 1;
  const uid = process.getuid?.();
  if (cgroup || uid === undefined || uid === 0) return undefined;
  return (await uidTasks(uid)) + share + 1;
}

function limitOfEvents(events: CgroupEvents): LimitName | undefined {
  if (events.oomKills > 0) return 'memory';
  if (events.taskLimitHits > 0) return 'processes';
  return undefined;
}
