/**
 * The runner: one experiment of a target on a tree, from materializing the tree to a typed
 * outcome with a receipt. Worker and verifier both use it (DESIGN.md, "Execution"):
 *
 *   const runner = new Runner({}, { source: store });
 *   const { outcome, receipt } = await runner.run({ target, tree: treeHash, seed });
 *
 * Untrusted code runs only under bubblewrap; without it the runner refuses, unless the caller
 * allows unsafe runs, which are then announced on every run.
 */

import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  type Hash,
  harnessHash,
  heldOutHash,
  type NamedMetric,
  seedNumber,
  type Target,
  type Tree,
  treeHash,
} from '@nightshift/protocol';
import { removeAbandoned } from './abandoned.ts';
import { findBubblewrap, INSTALL_HINT, probeBubblewrap } from './bubblewrap.ts';
import { environmentClass } from './environment.ts';
import { RunnerError } from './errors.ts';
import { Experiment } from './experiment.ts';
import type { TreeSource } from './materialize.ts';
import type { MetricRange } from './metric.ts';
import type { Outcome, Phase } from './outcome.ts';
import type { PhaseResult } from './phase-process.ts';
import type { RunReceipt } from './receipt.ts';
import { findExecutable, validateRequest } from './request.ts';
import {
  freshSandboxUser,
  reachableByOthers,
  type SandboxUser,
  sandboxUserSupport,
} from './sandbox-user.ts';
import { RUNNER_ID } from './version.ts';
import { Workspace } from './workspace.ts';

export interface RunnerOptions {
  /** bwrap to use: a name looked up on PATH, or a path. Default `bwrap`. */
  bwrapPath?: string;
  /** Run without a sandbox when bwrap is missing, instead of refusing: for a local
   *  single-user demo only. Every such run is announced (stderr, onWarning, result). */
  allowUnsandboxed?: boolean;
  /** Where experiments' scratch directories are made (others must be able to traverse it
   *  when the runner is root). Default: the OS temp directory. */
  scratchDir?: string;
  /** Where setup results are cached. Default: `<OS temp>/nightshift-setup-cache`. */
  setupCacheDir?: string;
  /** Keep every experiment's scratch directory (for debugging); its path is in the result. */
  keepWorkDirs?: boolean;
  /** Bound memory and tasks with cgroups where they can be made (default true). */
  cgroups?: boolean;
  /** Mount a tmpfs of the output limit on each output directory where allowed (default true). */
  tmpfsOutput?: boolean;
  /** As root, run each experiment as a fresh unprivileged uid where possible (default true). */
  sandboxUsers?: boolean;
  /** How often limits that are polled are checked, in ms (default 100). */
  pollMs?: number;
  /** Extra host directories shown read-only at the same path (e.g. `/opt/conda`). */
  systemPaths?: string[];
  onWarning?: (message: string) => void;
}

export interface RunnerModules {
  source: TreeSource;
}

export interface RunRequest {
  target: Target;
  /** The tree to run, or its hash in the source. */
  tree: Hash | Tree;
  /** A seed hash (protocol `deriveSeed`; NIGHTSHIFT_SEED is its `seedNumber`) or the number. */
  seed: Hash | number;
  /** CUDA_VISIBLE_DEVICES; empty or absent for no GPU. */
  gpus?: string;
  /** A metric outside this range is a bad-metric. */
  metricRange?: MetricRange;
  keepWorkDir?: boolean;
  signal?: AbortSignal;
}

export interface PhaseLog {
  phase: Phase;
  stdoutTail: string;
  stderrTail: string;
  stdoutBytes: number;
  stderrBytes: number;
}

export interface RunResult {
  outcome: Outcome;
  /** Informational measurements: `<phase>_seconds`, `<phase>_peak_memory_mb`, by name. */
  extra: NamedMetric[];
  receipt: RunReceipt;
  /** The tails of each phase's output (the predictor's stdout goes to the harness). */
  logs: PhaseLog[];
  /** Unsafe mode, and limits that could only be polled, are said here on every run. */
  warnings: string[];
  /** The kept scratch directory, when asked for. */
  workDir?: string;
}

type Settings = Required<Omit<RunnerOptions, 'onWarning' | 'bwrapPath'>> & RunnerOptions;

export class Runner {
  private readonly options: Settings;
  private readonly prlimit = findExecutable('prlimit');
  private readonly setpriv = findExecutable('setpriv');
  /** Workspaces of killed runners, removed before this runner's first experiment. */
  private swept: Promise<number> | undefined;

  constructor(
    options: RunnerOptions,
    private readonly modules: RunnerModules,
  ) {
    this.options = {
      allowUnsandboxed: false,
      scratchDir: tmpdir(),
      setupCacheDir: join(tmpdir(), 'nightshift-setup-cache'),
      keepWorkDirs: false,
      cgroups: true,
      tmpfsOutput: true,
      sandboxUsers: true,
      pollMs: 100,
      systemPaths: [],
      ...options,
    };
  }

  /**
   * The bwrap this runner uses, probed; undefined in allowed unsafe mode. Refuses with
   * `sandbox_missing` (saying how to install it) or `sandbox_unusable`.
   */
  async sandbox(): Promise<string | undefined> {
    const bwrap = findBubblewrap(this.options.bwrapPath);
    if (bwrap) {
      await probeBubblewrap(bwrap);
      return bwrap;
    }
    if (this.options.allowUnsandboxed) return undefined;
    const name = this.options.bwrapPath ?? 'bwrap';
    throw new RunnerError(
      'sandbox_missing',
      `bubblewrap (${name}) was not found, and untrusted code runs only inside it: ${INSTALL_HINT}`,
    );
  }

  async run(request: RunRequest): Promise<RunResult> {
    validateRequest(request);
    request.signal?.throwIfAborted();
    const bwrap = await this.sandbox();
    this.swept ??= removeAbandoned(this.options.scratchDir);
    await this.swept;
    const warnings: string[] = [];
    const warn = (message: string, loud = false) => {
      warnings.push(message);
      if (loud) process.stderr.write(`nightshift-runner: WARNING: ${message}\n`);
      this.options.onWarning?.(message);
    };
    if (!bwrap) {
      warn(
        `UNSAFE MODE: running untrusted code without a sandbox (bubblewrap is missing); ${INSTALL_HINT}`,
        true,
      );
    }
    const { target } = request;
    const tree =
      request.tree instanceof Uint8Array
        ? await this.modules.source.trees.get(request.tree)
        : request.tree;
    if (!tree) throw new RunnerError('tree_missing', 'the tree to run is not stored');
    const { user, why } = await this.sandboxUser(bwrap);
    if (why) warn(`sandboxes run as the runner's own user: ${why}`);
    const startedAt = Date.now();
    const keep = request.keepWorkDir ?? this.options.keepWorkDirs;
    const workspace = await Workspace.create(
      this.options.scratchDir,
      this.modules.source,
      tree,
      target,
      user,
    );
    const seed = typeof request.seed === 'number' ? request.seed : seedNumber(request.seed);
    const gpus = request.gpus ?? '';
    const experiment = new Experiment(target, tree, workspace, {
      ...this.options,
      bwrap,
      seed,
      gpus,
      prlimit: this.prlimit,
      setpriv: this.setpriv,
      user,
      metricRange: request.metricRange,
      signal: request.signal,
    });
    const abort = () => experiment.stopAll();
    request.signal?.addEventListener('abort', abort);
    try {
      const outcome = await experiment.perform();
      const enforcement = weakest(experiment);
      if (enforcement.memory === 'polled') {
        warn(
          `memory limits were polled, not enforced by cgroups; tasks: ${enforcement.tasks} (see the runner README)`,
        );
      }
      if (enforcement.outputFiles === 'polled') {
        warn(
          'output files were measured by polling, not bounded by a tmpfs (see the runner README)',
        );
      }
      const receipt: RunReceipt = {
        runner: RUNNER_ID,
        sandbox: bwrap ? 'bubblewrap' : 'none',
        enforcement,
        sandboxUser: user !== undefined,
        tree: treeHash(tree),
        harness: harnessHash(tree, target),
        data: heldOutHash(tree, target),
        seed,
        seedHash: typeof request.seed === 'number' ? undefined : request.seed,
        commands: {
          setup: target.setup,
          run: target.run,
          predict: target.predict,
          score: target.score,
        },
        gpus,
        environment: await environmentClass(gpus),
        phases: experiment.phases,
        startedAt,
        durationMs: Date.now() - startedAt,
      };
      return {
        outcome,
        extra: extraMetrics(experiment.results),
        receipt,
        logs: experiment.results.map(phaseLog),
        warnings,
        workDir: keep ? workspace.root : undefined,
      };
    } finally {
      request.signal?.removeEventListener('abort', abort);
      experiment.stopAll();
      await workspace.dispose(keep);
    }
  }

  /**
   * A fresh unprivileged user for this experiment when the runner is root and can drop to
   * one; otherwise why not (said in the result's warnings, when the runner is root).
   */
  private async sandboxUser(
    bwrap: string | undefined,
  ): Promise<{ user?: SandboxUser; why?: string }> {
    if (!this.options.sandboxUsers || process.getuid?.() !== 0) return {};
    const unsupported = await sandboxUserSupport(this.setpriv, bwrap);
    if (unsupported) return { why: unsupported };
    if (!(await reachableByOthers(this.options.scratchDir))) {
      return {
        why: `others cannot search the scratch directory ${this.options.scratchDir} (chmod o+x)`,
      };
    }
    if (!(await reachableByOthers(dirname(this.options.setupCacheDir)))) {
      return {
        why: `others cannot search the directory above ${this.options.setupCacheDir} (chmod o+x)`,
      };
    }
    return { user: freshSandboxUser() };
  }
}

/** Each limit's weakest enforcement over the phases that ran. */
function weakest(experiment: Experiment): RunReceipt['enforcement'] {
  const phases = experiment.results.map((r) => r.enforcement);
  const tasks = phases.map((e) => e.tasks);
  return {
    memory: phases.some((e) => e.memory === 'polled') ? 'polled' : 'cgroup',
    tasks: tasks.includes('polled') ? 'polled' : tasks.includes('rlimit') ? 'rlimit' : 'cgroup',
    outputFiles: experiment.outputKind,
  };
}

function phaseLog({
  phase,
  stdoutTail,
  stderrTail,
  stdoutBytes,
  stderrBytes,
}: PhaseResult): PhaseLog {
  return { phase, stdoutTail, stderrTail, stdoutBytes, stderrBytes };
}

function extraMetrics(results: PhaseResult[]): NamedMetric[] {
  const extra: NamedMetric[] = [];
  for (const r of results) {
    extra.push({ name: `${r.phase}_seconds`, value: r.durationMs / 1000 });
    if (r.peakMemoryBytes !== undefined) {
      extra.push({
        name: `${r.phase}_peak_memory_mb`,
        value: Math.round(r.peakMemoryBytes / 2 ** 20),
      });
    }
  }
  return extra.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
