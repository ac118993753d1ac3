import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SearchParam } from '@nightshift/protocol';
import { bytes, testContext, text, tinyLmTarget } from '../../testing/index.ts';
import { isSearcherError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { checkProposal, type JournalEntry, type SearchContext } from '../searcher.ts';
import { EvolveSearcher } from './evolve.ts';
import { comboKey, INITIAL_STEP, learnFromJournal } from './history.ts';
import { readSettings } from './settings-file.ts';
import { SIMULATED_OPTIMUM, simulatedBpc } from './simulated-objective.ts';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const BUDGET = 80;

/** The worker's loop in miniature: propose, score, keep if better, journal every experiment. */
async function evolveGap(seed: number): Promise<number> {
  const base = testContext({ random: seededRandom(seed) });
  const space = base.target.searchSpace;
  let files = new Map(base.files);
  let best = simulatedBpc(readSettings(space, files));
  const journal: JournalEntry[] = [];
  const searcher = new EvolveSearcher();
  for (let n = 1; n <= BUDGET; n++) {
    const proposal = checkProposal(
      base.target,
      files,
      await searcher.propose({ ...base, files, journal }),
    );
    const next = new Map([...files, ...proposal.files]);
    const metric = simulatedBpc(readSettings(space, next));
    const status = metric < best ? 'keep' : 'discard';
    journal.push({
      n,
      description: proposal.description,
      status,
      metric,
      seconds: 1,
      params: proposal.params,
    });
    if (status === 'keep') [best, files] = [metric, next];
  }
  return best - SIMULATED_OPTIMUM.value;
}

/** Uniform random search over the same space with the same budget. */
function randomGap(seed: number): number {
  const random = seededRandom(seed);
  const uniform = (p: SearchParam): string => {
    const [min, max] = [p.min!, p.max!];
    if (p.kind === 'choice') return p.choices[Math.floor(random() * p.choices.length)]!;
    if (p.kind === 'int') return String(min + Math.floor(random() * (max - min + 1)));
    if (p.kind === 'float') return String(min + random() * (max - min));
    return String(Math.exp(Math.log(min) + random() * Math.log(max / min)));
  };
  let best = Number.POSITIVE_INFINITY;
  for (let n = 0; n < BUDGET; n++) {
    const settings = Object.fromEntries(
      tinyLmTarget().searchSpace.map((p) => [p.name, uniform(p)]),
    );
    best = Math.min(best, simulatedBpc(settings));
  }
  return best - SIMULATED_OPTIMUM.value;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe('evolve', () => {
  it('gets within 0.01 of a simulated optimum in 80 proposals, far ahead of random search', async () => {
    const evolve = await Promise.all(SEEDS.map(evolveGap));
    const random = SEEDS.map(randomGap);
    // Over 400 seeds: evolve ends 0.005 above the optimum on average (median 0.0005, 92% of
    // runs within 0.01); random search 0.055 (median 0.05, 8% within 0.01). A few evolve runs
    // stay on a local optimum (each method has its own best ORDER), hence no bound on the worst.
    const within = evolve.filter((gap) => gap < 0.01).length;
    assert.ok(within >= 0.8 * SEEDS.length, `only ${within} of ${SEEDS.length} runs within 0.01`);
    assert.ok(median(evolve) < 0.005, `median ${median(evolve)}`);
    assert.ok(mean(evolve) * 5 < mean(random), `evolve ${mean(evolve)} vs random ${mean(random)}`);
  });

  it('changes one or two settings, names them in the description, and records all of them', async () => {
    const ctx = testContext();
    for (let seed = 1; seed <= 20; seed++) {
      const proposal = await new EvolveSearcher().propose({ ...ctx, random: seededRandom(seed) });
      const changed = proposal.description.split(', ');
      assert.ok(changed.length === 1 || changed.length === 2, proposal.description);
      assert.match(proposal.description, /^[A-Z]+ \S+ -> \S+(, [A-Z]+ \S+ -> \S+)?$/);
      assert.deepEqual(Object.keys(proposal.params!).sort(), [
        'ADAPT',
        'ALPHA',
        'DISCOUNT',
        'ORDER',
        'SMOOTHING',
      ]);
      assert.deepEqual(readSettings(ctx.target.searchSpace, proposal.files), proposal.params);
    }
  });

  it('never proposes a combination the journal already holds', async () => {
    // A space of one int with three values: from ORDER 2, only 1 and 3 are neighbours.
    const target = tinyLmTarget({
      searchSpace: [{ name: 'ORDER', file: 'model.py', kind: 'int', min: 1, max: 3, choices: [] }],
    });
    const files = new Map([['model.py', bytes('ORDER = 2\n')]]);
    const tried: JournalEntry = {
      n: 1,
      description: '',
      status: 'discard',
      metric: 3,
      seconds: 1,
      params: { ORDER: '1' },
    };
    for (let seed = 1; seed <= 10; seed++) {
      const ctx = testContext({ target, files, journal: [tried], random: seededRandom(seed) });
      assert.equal(
        text((await new EvolveSearcher().propose(ctx)).files.get('model.py')),
        'ORDER = 3\n',
      );
    }
    const exhausted = testContext({
      target,
      files,
      journal: [tried, { ...tried, params: { ORDER: '3' } }],
    });
    await assert.rejects(new EvolveSearcher().propose(exhausted), (e) =>
      isSearcherError(e, 'search_exhausted'),
    );
  });

  it('narrows the step of a setting whose mutations fail and widens it when they are kept', () => {
    const { searchSpace } = tinyLmTarget();
    const start = {
      ADAPT: 'False',
      ALPHA: '1.0',
      DISCOUNT: '0.75',
      ORDER: '2',
      SMOOTHING: '"add-k"',
    };
    const entry = (n: number, status: JournalEntry['status'], alpha: string): JournalEntry => ({
      n,
      description: '',
      status,
      metric: 3,
      seconds: 1,
      params: { ...start, ALPHA: alpha },
    });
    const failing = Array.from({ length: 10 }, (_, i) => entry(i, 'discard', `0.${i + 1}`));
    const narrowed = learnFromJournal(searchSpace, failing, start, 'minimize');
    assert.ok(narrowed.step.get('ALPHA')! < INITIAL_STEP * 0.5);
    assert.equal(narrowed.step.get('DISCOUNT'), INITIAL_STEP);
    const keeps = [entry(1, 'keep', '0.5'), entry(2, 'keep', '0.25')];
    assert.ok(
      learnFromJournal(searchSpace, keeps, start, 'minimize').step.get('ALPHA')! > INITIAL_STEP,
    );
    assert.equal(narrowed.tried.has(comboKey({ ...start, ALPHA: '0.3' })), true);
  });

  it('prefers choice values whose mutations came closest to their parent, in the metric direction', async () => {
    const target = tinyLmTarget();
    const start = {
      ADAPT: 'False',
      ALPHA: '1.0',
      DISCOUNT: '0.75',
      ORDER: '2',
      SMOOTHING: '"add-k"',
    };
    const run = (n: number, status: JournalEntry['status'], metric: number, smoothing: string) => ({
      n,
      description: '',
      status,
      metric,
      seconds: 1,
      params: { ...start, ORDER: n === 1 ? '2' : '4', SMOOTHING: smoothing },
    });
    // The parent measured 3.0; "absolute" nearly matched it, the other two fell far behind.
    const minimized = await drawChoices(
      testContext({
        target,
        journal: [
          run(1, 'keep', 3.0, '"add-k"'),
          run(2, 'discard', 4.0, '"witten-bell"'),
          run(3, 'discard', 3.01, '"absolute"'),
          run(4, 'discard', 3.9, '"kneser-ney"'),
        ],
      }),
    );
    assert.ok(
      minimized['"absolute"']! > minimized['"witten-bell"']! * 2,
      JSON.stringify(minimized),
    );
    // The same story when higher is better: now "witten-bell" was the near miss.
    const metric = { ...target.metric, direction: 'maximize' as const };
    const maximized = await drawChoices(
      testContext({
        target: { ...target, metric },
        journal: [
          run(1, 'keep', 3.0, '"add-k"'),
          run(2, 'discard', 2.99, '"witten-bell"'),
          run(3, 'discard', 2.0, '"absolute"'),
          run(4, 'discard', 2.1, '"kneser-ney"'),
        ],
      }),
    );
    assert.ok(
      maximized['"witten-bell"']! > maximized['"absolute"']! * 2,
      JSON.stringify(maximized),
    );
  });

  it('fails with a typed error when the target has no search space', async () => {
    const ctx = testContext({ target: tinyLmTarget({ searchSpace: [] }) });
    await assert.rejects(new EvolveSearcher().propose(ctx), (e) =>
      isSearcherError(e, 'no_search_space'),
    );
  });
});

/** How often each SMOOTHING value is proposed, over the proposals that change it. */
async function drawChoices(ctx: SearchContext): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let seed = 1; seed <= 300; seed++) {
    const { params } = await new EvolveSearcher().propose({ ...ctx, random: seededRandom(seed) });
    const smoothing = params!['SMOOTHING']!;
    if (smoothing !== '"add-k"') counts[smoothing] = (counts[smoothing] ?? 0) + 1;
  }
  return counts;
}
