// `nightshift log <target>`: a target's canonical chain as `git log` prints a branch, newest
// first; `--all` adds the orphaned entries (marked), `--json` gives the rows as an array.
import type { Command } from 'commander';
import type { EntryRow } from '../../views/index.ts';
import type { CommandSpec } from '../command.ts';
import { withNodeApi } from '../node-api.ts';
import { integerBetween } from '../options.ts';

/** What `GET /api/v1/targets/:target/chain` answers. */
interface ChainAnswer {
  name: string;
  metric: string;
  head: string | null;
  canonical: EntryRow[];
  orphans: EntryRow[];
}

export interface LogOptions {
  all: boolean;
  reverse: boolean;
  maxCount?: number;
}

export const logCommand: CommandSpec<LogOptions> = {
  name: 'log <target>',
  summary: "print a target's canonical chain of accepted entries, newest first",
  configure(command: Command) {
    command
      .option('--all', 'also list the orphaned entries (valid, but off the canonical chain)', false)
      .option('--reverse', 'oldest first', false)
      .option(
        '-n, --max-count <n>',
        'only the newest n entries (before --reverse)',
        integerBetween(1, Number.MAX_SAFE_INTEGER, 'a count'),
      )
      .addHelpText(
        'after',
        '\nThe target is a name, an id, or a unique prefix of an id (at least 4 hex digits).' +
          '\nWith --json: an array of entries in the printed order (each with `canonical`).',
      );
  },
  async run({ args, options, globals }) {
    // A running node is read through its API (it holds the store); a stopped one from its store.
    return withNodeApi(globals.dataDir, async (api) => {
      const view = await api.get<ChainAnswer>(
        `/api/v1/targets/${encodeURIComponent(args[0]!)}/chain`,
      );
      let rows = [...view.canonical, ...(options.all ? view.orphans : [])].sort(
        (a, b) => b.height - a.height || Number(b.canonical) - Number(a.canonical),
      );
      if (options.maxCount !== undefined) rows = rows.slice(0, options.maxCount);
      if (options.reverse) rows.reverse();
      const text =
        rows.length === 0
          ? `${view.name} has no entries yet (its baseline is not verified)`
          : rows.map((row) => describeEntry(row, view.metric, view.head)).join('\n\n');
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
