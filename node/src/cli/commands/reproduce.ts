// `nightshift reproduce <entry>`: re-run a stored entry here, as a verifier did: the target's
// `runs` runs through the runner (bubblewrap) with seeds from the entry's parent (PROTOCOL.md
// §3.5), their median compared with the logged metric within the target's tolerance. Exits 1
// (check_failed) when it does not reproduce.
import {
  deriveSeed,
  hashHex,
  median,
  seedBase,
  seedNumber,
  withinTolerance,
} from '@nightshift/protocol';
import { Runner, reasonCode } from '@nightshift/runner';
import type { Command } from 'commander';
import type { CommandSpec } from '../command.ts';
import { CliError } from '../errors.ts';
import { withStore } from '../open-store.ts';
import { gpuList, integerBetween } from '../options.ts';
import { resolveEntry } from '../resolve-entry.ts';

export interface ReproduceOptions {
  runs?: number;
  gpus?: string;
  unsafeNoSandbox: boolean;
}

interface RunReport {
  run: number;
  seed: number;
  /** `ok`, or the reason code a verifier would attest (run_timeout, score_crash, ...). */
  outcome: string;
  metric: number | null;
  seconds: number;
}

export const reproduceCommand: CommandSpec<ReproduceOptions> = {
  name: 'reproduce <entry>',
  summary: 're-run an entry locally as a verifier did and compare with its logged metric',
  configure(command: Command) {
    command
      .option(
        '--runs <n>',
        "how many runs (default: the target's runs)",
        integerBetween(1, 15, 'a run count'),
      )
      .option('--gpus <list>', 'CUDA_VISIBLE_DEVICES for the runs, e.g. 0', (value: string) =>
        gpuList(value).join(','),
      )
      .option(
        '--unsafe-no-sandbox',
        'run without bubblewrap when it is missing (only for code you trust)',
        false,
      )
      .addHelpText(
        'after',
        '\nThe entry is its hash or a unique prefix of it (at least 4 hex digits), as' +
          '\n`nightshift log` prints it. Its tree and files must be stored here (a node fetches' +
          '\nthem). Exits 1 when the median is not within the target’s tolerance of the log.',
      );
  },
  async run({ args, options, globals, context }) {
    return withStore(globals.dataDir, async (store) => {
      const hash = await resolveEntry(store, args[0]!);
      const entry = (await store.entries.get(hash))!;
      const target = await store.targets.get(entry.target);
      if (!target) throw new CliError('not_found', `the target of entry ${args[0]} is not stored`);
      if (!(await store.trees.has(entry.candidate.tree))) {
        throw new CliError(
          'not_found',
          `the tree of entry ${hashHex(hash).slice(0, 12)} is not stored here; run a node to fetch it`,
        );
      }
      const runner = new Runner(
        {
          allowUnsandboxed: options.unsafeNoSandbox,
          onWarning: (message) => context.stderr(`warning: ${message}\n`),
        },
        { source: store },
      );
      // Before anything runs: without bubblewrap nothing may (unless asked for).
      const sandboxed = (await runner.sandbox()) !== undefined;
      const stop = context.shutdownSignal();
      const count = options.runs ?? target.runs;
      const progress = (line: string) => {
        if (!globals.json) context.stderr(`${line}\n`);
      };
      progress(
        `reproducing entry ${hashHex(hash).slice(0, 12)} (height ${entry.height} of ${target.name}): ` +
          `${count} run${count === 1 ? '' : 's'}, logged ${target.metric.name} ${entry.metric}`,
      );
      const base = seedBase(entry.candidate);
      const runs: RunReport[] = [];
      for (let i = 0; i < count; i++) {
        const seed = deriveSeed(base, i);
        const result = await runner.run({
          target,
          tree: entry.candidate.tree,
          seed,
          ...(options.gpus !== undefined && { gpus: options.gpus }),
          signal: stop,
        });
        const ok = result.outcome.kind === 'ok';
        const report: RunReport = {
          run: i + 1,
          seed: seedNumber(seed),
          outcome: reasonCode(result.outcome),
          metric: result.outcome.kind === 'ok' ? result.outcome.metric : null,
          seconds: Math.round(result.receipt.durationMs) / 1000,
        };
        runs.push(report);
        progress(
          `run ${i + 1}/${count}: ${ok ? report.metric : report.outcome} (${report.seconds} s)`,
        );
        // As a verifier does: a run that fails ends the reproduction.
        if (!ok) break;
      }
      const metrics = runs.flatMap((r) => (r.metric === null ? [] : [r.metric]));
      const complete = metrics.length === count;
      const measured = complete ? median(metrics) : null;
      const reproduced =
        measured !== null && withinTolerance(measured, entry.metric, target.tolerance);
      const data = {
        entry: hashHex(hash),
        target: hashHex(entry.target),
        height: entry.height,
        metric: target.metric.name,
        logged: entry.metric,
        tolerance: target.tolerance,
        runs,
        median: measured,
        difference: measured === null ? null : measured - entry.metric,
        reproduced,
        sandboxed,
      };
      const text =
        measured === null
          ? `does not reproduce: run ${runs.length} ended with ${runs.at(-1)!.outcome}`
          : `${reproduced ? 'reproduces' : 'does not reproduce'}: median ${measured}, logged ${entry.metric}, ` +
            `difference ${measured - entry.metric} (tolerance ${target.tolerance})`;
      return { data, text, ...(reproduced ? {} : { failure: 'check_failed' as const }) };
    });
  },
};
