/**
 * A target's contributors, ranked: by verified improvements (their entries on the canonical
 * chain past entry 0), then by verified compute (the search seconds behind every entry of
 * theirs that verifiers accepted, orphans included: that work was checked too).
 */
import type { ChainView, KeyView } from '../views/index.ts';

export interface Contributor {
  author: KeyView;
  improvements: number;
  /** Sum of effort.seconds of their accepted entries. */
  compute: number;
  experiments: number;
  entries: number;
  /** Their best canonical metric, null when none of theirs is canonical. */
  best: number | null;
  /** When their latest entry was assembled (ms). */
  lastAt: number;
}

export function leaderboard(view: ChainView): Contributor[] {
  const byAuthor = new Map<string, Contributor>();
  const minimize = view.target.metric.direction === 'minimize';
  for (const row of [...view.entries, ...view.orphans]) {
    const c = byAuthor.get(row.author.key) ?? {
      author: row.author,
      improvements: 0,
      compute: 0,
      experiments: 0,
      entries: 0,
      best: null,
      lastAt: 0,
    };
    c.entries += 1;
    c.compute += row.effort.seconds;
    c.experiments += row.effort.experiments;
    c.lastAt = Math.max(c.lastAt, row.time);
    if (row.canonical) {
      if (row.height > 0) c.improvements += 1;
      const better = c.best === null || (minimize ? row.metric < c.best : row.metric > c.best);
      if (better) c.best = row.metric;
    }
    byAuthor.set(row.author.key, c);
  }
  return [...byAuthor.values()].sort(
    (a, b) =>
      b.improvements - a.improvements ||
      b.compute - a.compute ||
      (a.author.key < b.author.key ? -1 : 1),
  );
}
