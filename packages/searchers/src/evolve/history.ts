/**
 * What evolve learns from the journal, recomputed from it on every proposal (a searcher keeps
 * no state, so a restarted worker learns the same things again):
 * - per numeric setting, a step size adapted by the 1/5th success rule: every kept mutation
 *   of the setting widens its step, every failed one narrows it, and the two balance when
 *   one mutation in five succeeds (Rechenberg's rule for the (1+1)-evolution strategy);
 * - per setting, how often mutating it was kept, so fruitful settings are mutated more;
 * - per choice value, how well the mutations to it fared against their parents;
 * - every settings combination already tried, so none is proposed twice.
 */
import type { Direction, SearchParam } from '@nightshift/protocol';
import type { JournalEntry } from '../searcher.ts';
import { isNumeric, minimumStep } from './unit-scale.ts';

export const INITIAL_STEP = 0.2;
export const MAX_STEP = 0.5;
/** exp(1/3) on success and exp(-1/12) on failure: no drift at a success rate of 1/5. */
const WIDEN = Math.exp(1 / 3);
const NARROW = Math.exp(-1 / 12);
/** How much a choice's evidence counts for each keep since: halved after about 1.4 keeps. */
const EVIDENCE_DECAY = 0.6;

export interface History {
  /** Step size per numeric setting, as a share of its range. */
  step: Map<string, number>;
  /** Mutations of each setting, and how many were kept. */
  trials: Map<string, { tried: number; kept: number }>;
  /** Per choice setting, per value: the summed quality of the mutations to it, and how many
   *  (both weighted: recent evidence counts more). */
  choiceScores: Map<string, Map<string, { sum: number; count: number }>>;
  /** Keys (see comboKey) of every combination in the journal. */
  tried: Set<string>;
}

export function comboKey(values: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(values)
      .sort()
      .map((name) => [name, values[name]]),
  );
}

export function learnFromJournal(
  space: readonly SearchParam[],
  journal: readonly JournalEntry[],
  current: Readonly<Record<string, string>>,
  direction: Direction,
): History {
  const history: History = {
    step: new Map(),
    trials: new Map(),
    choiceScores: new Map(),
    tried: new Set(),
  };
  for (const p of space) {
    if (isNumeric(p)) history.step.set(p.name, INITIAL_STEP);
    history.trials.set(p.name, { tried: 0, kept: 0 });
    history.choiceScores.set(p.name, new Map());
  }
  const mutations = replay(journal, current, direction);
  const quality = qualityOf(mutations);
  let laterKeeps = mutations.filter((m) => m.entry.status === 'keep').length;
  for (const { entry, params, parent } of mutations) {
    if (entry.status === 'keep') laterKeeps -= 1;
    // What a value did against an older parent says less about the parent of today.
    const weight = EVIDENCE_DECAY ** laterKeeps;
    history.tried.add(comboKey(params));
    const kept = entry.status === 'keep';
    for (const p of space) {
      const value = params[p.name];
      if (value === undefined || value === parent[p.name]) continue;
      const t = history.trials.get(p.name)!;
      t.tried += 1;
      if (kept) t.kept += 1;
      if (isNumeric(p)) {
        const step = history.step.get(p.name)! * (kept ? WIDEN : NARROW);
        history.step.set(p.name, Math.min(MAX_STEP, Math.max(minimumStep(p), step)));
      } else {
        const scores = history.choiceScores.get(p.name)!;
        const s = scores.get(value) ?? { sum: 0, count: 0 };
        scores.set(value, { sum: s.sum + weight * quality(entry), count: s.count + weight });
      }
    }
  }
  return history;
}

interface Mutation {
  entry: JournalEntry;
  params: Readonly<Record<string, string>>;
  /** The settings it mutated. */
  parent: Readonly<Record<string, string>>;
  /** How much worse than its parent it measured, in metric units (negative: better). */
  loss?: number;
}

/**
 * Each experiment mutated the local best of its time: the last kept settings, or, before
 * any keep, the settings the worker holds now (its starting point). Its loss is measured
 * against that parent's metric (or, before any keep, the best measured so far), so a value
 * tried early against a weak parent is not blamed for the parent's weakness.
 */
function replay(
  journal: readonly JournalEntry[],
  current: Readonly<Record<string, string>>,
  direction: Direction,
): Mutation[] {
  const sign = direction === 'minimize' ? 1 : -1;
  const measured = (e: JournalEntry) =>
    e.status !== 'crash' && e.metric !== undefined && Number.isFinite(e.metric);
  const mutations: Mutation[] = [];
  let parent = current;
  let parentMetric: number | undefined;
  let bestSoFar: number | undefined;
  for (const entry of journal) {
    const reference = parentMetric ?? bestSoFar;
    if (entry.params !== undefined) {
      const loss =
        measured(entry) && reference !== undefined ? sign * (entry.metric! - reference) : undefined;
      mutations.push({
        entry,
        params: entry.params,
        parent,
        ...(loss !== undefined ? { loss } : {}),
      });
    }
    if (entry.status === 'keep') {
      if (entry.params !== undefined) parent = entry.params;
      if (measured(entry)) parentMetric = entry.metric;
    }
    if (measured(entry) && (bestSoFar === undefined || sign * entry.metric! < sign * bestSoFar)) {
      bestSoFar = entry.metric;
    }
  }
  return mutations;
}

/**
 * A mutation's quality in [0, 1]: 1 when kept, 0 when it crashed, and for a discard at most
 * 0.5, falling with its loss on the scale of a typical loss in this journal (the median), so
 * a near miss counts as promising and a disaster as not, whatever the metric's units.
 */
function qualityOf(mutations: readonly Mutation[]): (entry: JournalEntry) => number {
  const losses = mutations
    .map((m) => m.loss)
    .filter((l): l is number => l !== undefined && l > 0)
    .sort((a, b) => a - b);
  const scale = losses[Math.floor(losses.length / 2)] ?? 1;
  const lossOf = new Map(mutations.map((m) => [m.entry, m.loss]));
  return (entry) => {
    if (entry.status === 'keep') return 1;
    if (entry.status === 'crash') return 0;
    const loss = lossOf.get(entry);
    return loss === undefined ? 0.25 : 0.5 * Math.exp(-Math.max(0, loss) / scale);
  };
}
