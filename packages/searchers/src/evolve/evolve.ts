/**
 * `evolve`, the built-in searcher: a (1+1)-evolution strategy over the target's declared
 * search space. The parent is always the worker's local best (the files it is given); the
 * journal tells it which mutations were kept, and from that it adapts step sizes, favours
 * settings and choice values that paid off, and skips combinations already tried
 * (history.ts). It needs no model and no network.
 */
import { SearcherError, throwIfAborted } from '../errors.ts';
import { oneLine, type Proposal, type SearchContext, type Searcher } from '../searcher.ts';
import { comboKey, learnFromJournal } from './history.ts';
import { mutate } from './mutate.ts';
import { readSettings, writeSettings } from './settings-file.ts';

export interface EvolveOptions {
  /** Chance that a proposal mutates one setting rather than two (default 0.6). */
  singleMutationRate?: number;
  /** Draws per proposal before giving up on finding an untried combination (default 64). */
  maxDraws?: number;
}

export class EvolveSearcher implements Searcher {
  readonly name = 'evolve';
  private readonly singleMutationRate: number;
  private readonly maxDraws: number;

  constructor(options: EvolveOptions = {}) {
    this.singleMutationRate = options.singleMutationRate ?? 0.6;
    this.maxDraws = options.maxDraws ?? 64;
  }

  async propose(ctx: SearchContext): Promise<Proposal> {
    throwIfAborted(ctx.signal);
    const space = ctx.target.searchSpace;
    if (space.length === 0) throw new SearcherError('no_search_space', 'no settings to tune');
    const current = readSettings(space, ctx.files);
    const history = learnFromJournal(space, ctx.journal, current, ctx.target.metric.direction);
    history.tried.add(comboKey(current));
    // Mostly one or two settings at a time, as asked; when every such neighbour has been
    // tried, mutate more settings at once rather than repeat an experiment.
    let count = ctx.random() < this.singleMutationRate ? 1 : Math.min(2, space.length);
    for (let draw = 0; draw < this.maxDraws; draw++) {
      if (draw > 0 && draw % 16 === 0) count = Math.min(space.length, count + 1);
      const next = mutate(space, current, history, count, ctx.random);
      if (history.tried.has(comboKey(next))) continue;
      const changed = Object.fromEntries(
        Object.entries(next).filter(([name, value]) => current[name] !== value),
      );
      return {
        files: writeSettings(space, ctx.files, changed),
        description: oneLine(describeChange(current, next)),
        params: next,
      };
    }
    throw new SearcherError('search_exhausted', `no untried combination in ${this.maxDraws} draws`);
  }
}

/** `ORDER 2 -> 4, SMOOTHING "add-k" -> "kneser-ney"`, in search-space order. */
export function describeChange(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string {
  return Object.keys(after)
    .filter((name) => before[name] !== after[name])
    .map((name) => `${name} ${before[name]} -> ${after[name]}`)
    .join(', ');
}
