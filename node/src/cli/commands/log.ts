// `nightshift log <target>`: a target's canonical chain as `git log` prints a branch, newest
// first; `--all` adds the orphaned entries (marked), `--json` gives the rows as an array.
import { type Command, InvalidArgumentError } from 'commander';
import { chainView, type EntryRow } from '../../views/index.ts';
import type { CommandSpec } from '../command.ts';
import { CliError } from '../errors.ts';
import { withStore } from '../open-store.ts';
import { resolveTarget } from '../resolve-target.ts';

export interface LogOptions {
  all: boolean;
  reverse: boolean;
  maxCount?: number;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${value} is not a count >= 1.`);
  return n;
}

export const logCommand: CommandSpec<LogOptions> = {
  name: 'log <target>',
  summary: "print a target's canonical chain of accepted entries, newest first",
  configure(command: Command) {
    command
      .option('--all', 'also list the orphaned entries (valid, but off the canonical chain)', false)
      .option('--reverse', 'oldest first', false)
      .option('-n, --max-count <n>', 'only the newest n entries (before --reverse)', count)
      .addHelpText(
        'after',
        '\nThe target is a name, an id, or a unique prefix of an id (at least 4 hex digits).' +
          '\nWith --json: an array of entries in the printed order (each with `canonical`).',
      );
  },
  async run({ args, options, globals }) {
    return withStore(globals.dataDir, async (store) => {
      const targetId = await resolveTarget(store, args[0]!);
      const view = await chainView(store, targetId, { orphans: options.all });
      if (!view) throw new CliError('not_found', `target ${args[0]} is not stored`);
      let rows = [...view.entries, ...view.orphans].sort(
        (a, b) => b.height - a.height || Number(b.canonical) - Number(a.canonical),
      );
      if (options.maxCount !== undefined) rows = rows.slice(0, options.maxCount);
      if (options.reverse) rows.reverse();
      const metricName = view.target.metric.name;
      const text =
        rows.length === 0
          ? `${view.target.name} has no entries yet (its baseline is not verified)`
          : rows.map((row) => describeEntry(row, metricName, view.head)).join('\n\n');
      return { data: rows, text };
    });
  },
};

const num = (value: number) => value.toFixed(6);

function describeEntry(row: EntryRow, metricName: string, head: string | null): string {
  const marks = [`height ${row.height}`];
  if (row.hash === head) marks.push('head');
  if (!row.canonical) marks.push('orphaned');
  const change =
    row.change === null
      ? 'baseline'
      : `${row.change >= 0 ? '+' : ''}${num(row.change)}, ${row.improved ? 'better' : 'not better'}`;
  const verifiers = row.verifiers
    .map((v) => (v.metric === null ? v.peerId : `${v.peerId} (${num(v.metric)})`))
    .join(', ');
  return [
    `entry ${row.hash.slice(0, 12)} (${marks.join(', ')})`,
    `Metric:   ${metricName} ${num(row.metric)} (${change})`,
    `Author:   ${row.author.peerId}`,
    `Verified: ${verifiers || '-'}`,
    `Date:     ${new Date(row.time).toISOString()}`,
    `Effort:   ${row.effort.experiments} experiments, ${row.effort.seconds} s`,
    '',
    `    ${row.description}`,
  ].join('\n');
}
