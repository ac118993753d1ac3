// The commit message of an exported entry: its description, then trailers (git's
// `Key: value` lines of the last paragraph) with what the log knows about it, so that
// `git log --format=%(trailers)` and the next export can read them back.
import type { EntryRow } from '../views/index.ts';

export const TRAILER = {
  target: 'Nightshift-Target',
  entry: 'Nightshift-Entry',
  height: 'Nightshift-Height',
  metric: 'Nightshift-Metric',
  change: 'Nightshift-Change',
  author: 'Nightshift-Author',
  attestation: 'Nightshift-Attestation',
  tree: 'Nightshift-Tree',
} as const;

export function commitMessage(row: EntryRow, target: { id: string; metricName: string }): string {
  const subject = row.description.trim() === '' ? `entry ${row.height}` : row.description;
  const trailers: [string, string][] = [
    [TRAILER.target, target.id],
    [TRAILER.entry, row.hash],
    [TRAILER.height, String(row.height)],
    // String(n) is the shortest form that reads back as the same binary64: exact and stable.
    [TRAILER.metric, `${target.metricName} ${String(row.metric)}`],
    [TRAILER.change, row.change === null ? 'baseline' : String(row.change)],
    [TRAILER.author, row.author.key],
    ...row.verifiers.map((v): [string, string] => [
      TRAILER.attestation,
      `${v.key} ${v.metric === null ? '-' : String(v.metric)}`,
    ]),
    [TRAILER.tree, row.tree],
  ];
  return `${subject}\n\n${trailers.map(([key, value]) => `${key}: ${value}`).join('\n')}\n`;
}
