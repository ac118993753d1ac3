// `nightshift target check <dir>`: what a researcher runs before submitting. Validates the
// manifest and files by the protocol's own rules, runs the baseline through the runner N
// times with different seeds, and reports the metric and its run-to-run spread, warning when
// minDelta or tolerance sit inside it (then luck, not work, would make or break entries).
import { resolve } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import {
  blobHash,
  deriveSeed,
  type Hash,
  hashHex,
  median,
  publicKeyOf,
  seedNumber,
  signObject,
  TARGET,
  type Tree,
  validateTarget,
  validateTargetFiles,
} from '@nightshift/protocol';
import { Runner, reasonCode, type TreeSource } from '@nightshift/runner';
import { loadTargetDir, type TargetDir, unsignedTarget } from '@nightshift/target-dir';
import type { Command } from 'commander';
import type { CommandSpec } from '../../command.ts';
import { CliError } from '../../errors.ts';
import { integerBetween } from '../../options.ts';

export interface TargetCheckOptions {
  runs: number;
  unsafeNoSandbox: boolean;
}

export const targetCheckCommand: CommandSpec<TargetCheckOptions> = {
  name: 'check <dir>',
  summary: "validate a target directory and measure its baseline's metric and spread",
  configure(command: Command) {
    command
      .option(
        '--runs <n>',
        'how many times to run the baseline',
        integerBetween(1, 50, 'a run count'),
        3,
      )
      .option(
        '--unsafe-no-sandbox',
        'run without bubblewrap when it is missing (your own code only)',
        false,
      )
      .addHelpText(
        'after',
        '\nExits 1 (check_failed) when a run fails; warnings (minDelta or tolerance inside the' +
          "\nmetric's spread) are printed but do not fail the check.",
      );
  },
  async run({ args, options, context, globals }) {
    const dir = await loadTargetDir(resolve(context.cwd, args[0]!));
    const target = await throwawaySignedTarget(dir);
    const invalid =
      (await validateTarget(target, { now: Date.now() })) ?? validateTargetFiles(target, dir.tree);
    if (invalid) throw new CliError('check_failed', `target.json: ${invalid.message}`);

    const runner = new Runner(
      {
        allowUnsandboxed: options.unsafeNoSandbox,
        onWarning: (message) => context.stderr(`warning: ${message}\n`),
      },
      { source: directorySource(dir) },
    );
    await runner.sandbox();
    const stop = context.shutdownSignal();
    const progress = (line: string) => {
      if (!globals.json) context.stderr(`${line}\n`);
    };
    const runs: { seed: number; outcome: string; metric: number | null; seconds: number }[] = [];
    for (let i = 0; i < options.runs; i++) {
      const seed = deriveSeed(dir.treeHash, i);
      const result = await runner.run({ target, tree: dir.tree, seed, signal: stop });
      const metric = result.outcome.kind === 'ok' ? result.outcome.metric : null;
      const run = {
        seed: seedNumber(seed),
        outcome: reasonCode(result.outcome),
        metric,
        seconds: Math.round(result.receipt.durationMs) / 1000,
      };
      runs.push(run);
      progress(`run ${i + 1}/${options.runs}: ${metric ?? run.outcome} (${run.seconds} s)`);
      if (metric === null) {
        const log = result.logs.at(-1);
        const tail = log?.stderrTail.trim();
        throw new CliError(
          'check_failed',
          `the baseline's run ${i + 1} failed: ${run.outcome}${tail ? `\n${log!.phase} stderr:\n${tail}` : ''}`,
        );
      }
    }
    const metrics = runs.map((r) => r.metric!);
    const spread = spreadOf(metrics);
    const warnings = [
      ...(target.minDelta <= spread.range
        ? [
            `minDelta ${target.minDelta} is within the baseline's spread (max - min ${spread.range.toPrecision(3)}): ` +
              'a lucky run could make an entry; raise minDelta or make the metric less noisy',
          ]
        : []),
      ...(target.tolerance < spread.range
        ? [
            `tolerance ${target.tolerance} is below the baseline's spread (max - min ${spread.range.toPrecision(3)}): ` +
              'honest re-runs could be rejected unless they repeat exactly with the same seed',
          ]
        : []),
    ];
    const data = {
      name: target.name,
      baseline: hashHex(dir.treeHash),
      files: dir.files.length,
      metric: target.metric.name,
      direction: target.metric.direction,
      runs,
      median: median(metrics),
      ...spread,
      minDelta: target.minDelta,
      tolerance: target.tolerance,
      warnings,
    };
    const text = [
      `${target.name}: valid manifest, ${dir.files.length} files, baseline tree ${hashHex(dir.treeHash).slice(0, 12)}`,
      `${target.metric.name} (${target.metric.direction}): median ${data.median} over ${metrics.length} runs; ` +
        `min ${spread.min}, max ${spread.max}, stddev ${spread.stddev.toPrecision(3)}`,
      `minDelta ${target.minDelta}, tolerance ${target.tolerance}`,
      ...(warnings.length === 0
        ? [
            'ok: minDelta and tolerance sit above the run-to-run spread; ready for `nightshift target submit`',
          ]
        : warnings.map((w) => `warning: ${w}`)),
    ].join('\n');
    return { data, text };
  },
};

/**
 * The Target this directory would become, signed by a key made for the check alone: so the
 * protocol's validator checks the manifest exactly as peers will, with no identity needed.
 */
async function throwawaySignedTarget(dir: TargetDir) {
  const key = await generateKeyPair('Ed25519');
  const unsigned = unsignedTarget(dir, {
    author: publicKeyOf(key),
    verifiers: [publicKeyOf(key)],
    quorum: 1,
    createdAt: Date.now(),
  });
  return signObject(TARGET, unsigned, key);
}

/** The directory's files as the runner's tree source: the baseline is not stored anywhere yet. */
function directorySource(dir: TargetDir): TreeSource {
  const blobs = new Map(dir.files.map((f) => [hashHex(blobHash(f.bytes)), f.bytes]));
  return {
    trees: {
      get: async (hash: Hash): Promise<Tree | undefined> =>
        hashHex(hash) === hashHex(dir.treeHash) ? dir.tree : undefined,
    },
    blobs: {
      read: async (hash: Hash) => {
        const bytes = blobs.get(hashHex(hash));
        return (
          bytes &&
          (async function* () {
            yield bytes;
          })()
        );
      },
    },
  };
}

function spreadOf(values: number[]) {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance =
    values.length > 1
      ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1)
      : 0;
  return { min, max, range: max - min, stddev: Math.sqrt(variance) };
}
