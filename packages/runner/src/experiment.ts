/**
 * One experiment's phases, in order: setup (cached), run, then score with the predictor
 * beside it. Each phase that fails ends the experiment with its outcome; the metric comes
 * from the score phase alone.
 */
import { harnessHash, type Target, type Tree } from '@nightshift/protocol';
import { type BoundedDir, boundedDir, keepPlainFiles } from './bounded-dir.ts';
import { RunnerError } from './errors.ts';
import { type LaunchContext, type PhaseDirs, phaseLaunch } from './layout.ts';
import type { MetricRange } from './metric.ts';
import { limitOutcome, type Outcome, type Phase } from './outcome.ts';
import { PhaseProcess, type PhaseResult, SANDBOX_TASKS } from './phase-process.ts';
import type { PhaseReceipt } from './receipt.ts';
import { type SandboxUser, shareTree } from './sandbox-user.ts';
import { crashOutcome, scoreCandidate } from './scoring.ts';
import { SetupCache, setupKey } from './setup-cache.ts';
import type { Workspace } from './workspace.ts';

export interface ExperimentSettings {
  bwrap: string | undefined;
  seed: number;
  gpus: string;
  pollMs: number;
  cgroups: boolean;
  tmpfsOutput: boolean;
  prlimit: string | undefined;
  setpriv: string | undefined;
  user: SandboxUser | undefined;
  systemPaths: string[];
  setupCacheDir: string;
  metricRange?: MetricRange;
  signal?: AbortSignal;
}

export class Experiment {
  readonly results: PhaseResult[] = [];
  readonly phases: PhaseReceipt[] = [];
  /** How the run phase's output directory was bounded. */
  outputKind: 'tmpfs' | 'polled' = 'tmpfs';
  private readonly active = new Set<PhaseProcess>();
  private readonly limitBytes: number;

  constructor(
    private readonly target: Target,
    private readonly tree: Tree,
    private readonly workspace: Workspace,
    private readonly settings: ExperimentSettings,
  ) {
    this.limitBytes = target.limits.outputMb * 2 ** 20;
  }

  /** Stops every phase that is running (an abort). */
  stopAll(): void {
    for (const p of this.active) p.stop();
  }

  async perform(): Promise<Outcome> {
    const setup = await this.setup();
    if (typeof setup !== 'string' && setup !== undefined) return setup;
    const output = await this.workspace.outputDir(
      'out',
      this.limitBytes,
      this.settings.tmpfsOutput,
    );
    this.outputKind = output.kind;
    this.throwIfAborted();
    const dirs = this.dirs(this.workspace.views.run, { output: output.path, setup });
    const ran = this.failure(await this.phase('run', this.target.run, dirs, [output]));
    if (ran) return ran;
    this.throwIfAborted();

    // What the candidate left for the harness holds plain files and directories only.
    await keepPlainFiles(output.path);
    const { predict } = this.target;
    const scoreDir = await this.workspace.outputDir(
      'score-out',
      this.limitBytes,
      this.settings.tmpfsOutput,
    );
    // With a predictor, harness and predictor run at once as the same sandbox user.
    const beside = predict ? this.target.limits.processes + SANDBOX_TASKS : 0;
    const context = { ...this.context([scoreDir]), sharedTasks: beside };
    const scoreDirs = this.dirs(this.workspace.views.score, {
      output: output.path,
      score: scoreDir.path,
      setup,
    });
    const predictDirs = this.dirs(this.workspace.views.run, { output: output.path, setup });
    const scored = await scoreCandidate(
      this.target,
      {
        score: phaseLaunch('score', this.target.score, scoreDirs, context),
        predict:
          predict && phaseLaunch('predict', predict, predictDirs, { ...context, outputDirs: [] }),
        scoreDir: scoreDir.path,
      },
      this.settings.metricRange,
      (p) => this.active.add(p),
    );
    for (const result of scored.results) this.record(result);
    // An abort stops the phases without a limit: what they then report means nothing.
    this.throwIfAborted();
    return scored.outcome;
  }

  private throwIfAborted(): void {
    if (this.settings.signal?.aborted) {
      throw new RunnerError('aborted', 'the run was aborted; its processes were killed');
    }
  }

  /** The setup directory (cached by harness hash), an outcome if setup failed, or undefined. */
  private async setup(): Promise<string | Outcome | undefined> {
    const { setup } = this.target;
    if (!setup) return undefined;
    const cache = new SetupCache(this.settings.setupCacheDir, this.settings.user);
    const key = setupKey(setup, harnessHash(this.tree, this.target));
    const cached = await cache.lookup(key);
    if (cached) {
      this.phases.push({ phase: 'setup', durationMs: 0, exitCode: 0, signal: null, cached: true });
      return cached;
    }
    const partial = await cache.prepare(key);
    const dir = this.dirs(this.workspace.views.harness, { setup: partial });
    const written = await boundedDir(partial, this.limitBytes, false, this.settings.user);
    const result = await this.phase('setup', setup, dir, [written]).catch(async (err) => {
      await cache.discard(partial);
      throw err;
    });
    const failed = this.failure(result);
    if (failed) {
      await cache.discard(partial);
      return failed;
    }
    await shareTree(partial, this.settings.user);
    return cache.commit(partial, key);
  }

  private async phase(
    phase: Phase,
    argv: string[],
    dirs: PhaseDirs,
    outputDirs: BoundedDir[],
  ): Promise<PhaseResult> {
    const process = await PhaseProcess.prepare(
      phaseLaunch(phase, argv, dirs, this.context(outputDirs)),
    );
    this.active.add(process);
    const result = await process.spawn().done;
    this.active.delete(process);
    this.record(result);
    this.throwIfAborted();
    return result;
  }

  private record(result: PhaseResult): void {
    this.results.push(result);
    this.phases.push({
      phase: result.phase,
      durationMs: result.durationMs,
      exitCode: result.exitCode,
      signal: result.signal,
      ...(result.limit ? { limit: result.limit } : {}),
    });
  }

  private failure(result: PhaseResult): Outcome | undefined {
    if (result.limit) return limitOutcome(result.phase, result.limit, this.target.limits);
    return result.exitCode === 0 ? undefined : crashOutcome(result);
  }

  private dirs(tree: string, more: Partial<PhaseDirs>): PhaseDirs {
    const { etc, home } = this.workspace;
    return { tree, etc, home, ...more };
  }

  private context(outputDirs: LaunchContext['outputDirs']): LaunchContext {
    const { settings, target } = this;
    return {
      bwrap: settings.bwrap,
      seed: settings.seed,
      gpus: settings.gpus,
      withPredictor: target.predict !== undefined,
      limits: target.limits,
      deadline: Date.now() + target.limits.wallSeconds * 1000,
      pollMs: settings.pollMs,
      cgroups: settings.cgroups,
      prlimit: settings.prlimit,
      setpriv: settings.setpriv,
      user: settings.user,
      systemPaths: settings.systemPaths,
      outputDirs,
    };
  }
}
