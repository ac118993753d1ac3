/**
 * The journal as an agent reads it: `results.tsv` in autoresearch's form (one row per
 * experiment) and a short `journal.md` that says what the metric is, what is best so far and
 * what was tried recently. Both the command and llm searchers hand these to their agent.
 */
import type { Target } from '@nightshift/protocol';
import type { JournalEntry } from './searcher.ts';

/** How many recent experiments an agent is shown by default: enough to avoid repeats. */
export const RECENT_EXPERIMENTS = 30;

export function recent(journal: readonly JournalEntry[], limit: number): readonly JournalEntry[] {
  return journal.slice(Math.max(0, journal.length - limit));
}

export function journalTsv(journal: readonly JournalEntry[]): string {
  const rows = journal.map((e) =>
    [e.n, e.metric ?? '', e.status, e.seconds.toFixed(1), flat(e.description)].join('\t'),
  );
  return ['n\tmetric\tstatus\tseconds\tdescription', ...rows].join('\n') + '\n';
}

/** The best measured experiment, respecting the metric's direction. */
export function bestEntry(target: Target, journal: readonly JournalEntry[]) {
  const sign = target.metric.direction === 'minimize' ? 1 : -1;
  let best: JournalEntry | undefined;
  for (const e of journal) {
    if (e.status === 'crash' || e.metric === undefined || !Number.isFinite(e.metric)) continue;
    if (best === undefined || sign * e.metric < sign * best.metric!) best = e;
  }
  return best;
}

export function journalMarkdown(
  target: Target,
  journal: readonly JournalEntry[],
  limit = RECENT_EXPERIMENTS,
): string {
  const { name, direction } = target.metric;
  const count = (status: JournalEntry['status']) => journal.filter((e) => e.status === status);
  const best = bestEntry(target, journal);
  const lines = [
    `# Experiments so far on ${target.name}`,
    '',
    `Metric: \`${name}\`, ${direction === 'minimize' ? 'lower' : 'higher'} is better.`,
    `${journal.length} experiments: ${count('keep').length} kept, ` +
      `${count('discard').length} discarded, ${count('crash').length} crashed.`,
  ];
  if (best) lines.push(`Best: ${best.metric} (#${best.n}: ${flat(best.description)}).`);
  const shown = recent(journal, limit);
  if (shown.length > 0) {
    lines.push('', `## The last ${shown.length}`, '', '| n | metric | status | description |');
    lines.push('| --- | --- | --- | --- |');
    for (const e of shown) {
      const description = flat(e.description).replaceAll('|', '\\|');
      lines.push(`| ${e.n} | ${e.metric ?? ''} | ${e.status} | ${description} |`);
    }
  }
  return lines.join('\n') + '\n';
}

/** One line without tabs, whatever a searcher or agent wrote. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
