/**
 * Rule 4 (rules/fork-choice.ts): of all valid entries of a target, the head is the one with
 * the best verified metric, ties to the lower entry hash. Nodes that saw the same entries
 * agree on the head whatever order they saw them in, and converge after a partition heals.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  chooseHead,
  type Direction,
  entryHash,
  type ForkEntry,
  preferredEntry,
} from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';
import { f64 } from './arbitraries.ts';
import { hex } from './helpers.ts';

const direction = fc.constantFrom<Direction>('minimize', 'maximize');

/** Hashes from a small alphabet share long prefixes, so comparisons reach deep bytes. */
const hash = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  fc.uint8Array({ minLength: 32, maxLength: 32, max: 1 }),
);
/** Metrics from a small set tie often; any finite double otherwise. */
const metric = fc.oneof(fc.constantFrom(-1, 0, 2.25, 2.5), f64);
const entry: fc.Arbitrary<ForkEntry> = fc.record({ hash, metric }, { noNullPrototype: true });
const entries = fc.uniqueArray(entry, {
  minLength: 1,
  maxLength: 12,
  selector: (e) => hex(e.hash),
});

/** The head by the rule's own words: best metric, then lowest hash (hex sorts as bytes). */
function referenceHead(set: readonly ForkEntry[], dir: Direction): string {
  const metrics = set.map((e) => e.metric);
  const best = dir === 'minimize' ? Math.min(...metrics) : Math.max(...metrics);
  return set
    .filter((e) => e.metric === best)
    .map((e) => hex(e.hash))
    .sort()[0]!;
}

const headOf = (set: Iterable<ForkEntry>, dir: Direction) => hex(chooseHead(set, dir)!.hash);

describe('fork choice', () => {
  it('picks the best metric, ties to the lower hash, in both directions', () => {
    const a = { hash: new Uint8Array(32).fill(2), metric: 2.5 };
    const b = { hash: new Uint8Array(32).fill(1), metric: 2.5 };
    const c = { hash: new Uint8Array(32).fill(3), metric: 2.25 };
    assert.equal(chooseHead([a, b, c], 'minimize'), c);
    assert.equal(chooseHead([a, b, c], 'maximize'), b);
    assert.equal(chooseHead([a, b], 'maximize'), b);
    assert.equal(chooseHead([b, a], 'minimize'), b);
    assert.equal(chooseHead([], 'minimize'), undefined);
  });

  it('chooses among real sibling entries by verified metric, then entry hash', async () => {
    const chain = new ChainBuilder(await makeFixture({ minDelta: 0.25 }));
    const genesis = await chain.genesis(2.5);
    const parent = entryHash(genesis);
    const forks: ForkEntry[] = [];
    for (const metric of [2.25, 2, 2]) {
      const sibling = await chain.extend(genesis, parent, { metric });
      forks.push({ hash: entryHash(sibling), metric: sibling.metric });
    }
    const [, x, y] = forks as [ForkEntry, ForkEntry, ForkEntry];
    const lower = hex(x.hash) < hex(y.hash) ? x : y;
    assert.equal(chooseHead(forks, 'minimize'), lower);
    assert.equal(chooseHead([...forks].reverse(), 'minimize'), lower);
    assert.equal(chooseHead(forks, 'maximize'), forks[0]);
  });

  it('chooses the head the rule defines', () => {
    fc.assert(
      fc.property(entries, direction, (set, dir) => {
        assert.equal(headOf(set, dir), referenceHead(set, dir));
      }),
    );
  });

  it('chooses the same head for every order of the same entries', () => {
    const setAndOrder = entries.chain((set) =>
      fc.tuple(fc.constant(set), fc.shuffledSubarray(set, { minLength: set.length })),
    );
    fc.assert(
      fc.property(setAndOrder, direction, ([set, order], dir) => {
        assert.equal(headOf(order, dir), headOf(set, dir));
      }),
    );
  });

  it('keeps the right head after every arrival, repeats included', () => {
    const arrivals = entries.chain((set) =>
      fc.tuple(fc.constant(set), fc.array(fc.nat(set.length - 1), { minLength: 1, maxLength: 30 })),
    );
    fc.assert(
      fc.property(arrivals, direction, ([set, order], dir) => {
        let head: ForkEntry | undefined;
        const seen: ForkEntry[] = [];
        for (const i of order) {
          const arrived = set[i]!;
          seen.push(arrived);
          head = head ? preferredEntry(head, arrived, dir) : arrived;
          assert.equal(hex(head.hash), referenceHead(seen, dir));
        }
      }),
    );
  });

  it('converges when two partitions that saw different entries exchange heads', () => {
    const split = entries.chain((set) =>
      fc.tuple(
        fc.constant(set),
        fc.array(fc.boolean(), { minLength: set.length, maxLength: set.length }),
      ),
    );
    fc.assert(
      fc.property(split, direction, ([set, side], dir) => {
        const left = set.filter((_, i) => side[i]);
        const right = set.filter((_, i) => !side[i]);
        const heads = [chooseHead(left, dir), chooseHead(right.reverse(), dir)].filter(
          (h): h is ForkEntry => h !== undefined,
        );
        assert.equal(headOf(heads, dir), referenceHead(set, dir));
        assert.equal(headOf(heads.reverse(), dir), referenceHead(set, dir));
      }),
    );
  });

  it('prefers the same entry of a pair whichever comes first', () => {
    fc.assert(
      fc.property(entry, entry, direction, (a, b, dir) => {
        fc.pre(hex(a.hash) !== hex(b.hash));
        assert.equal(preferredEntry(a, b, dir), preferredEntry(b, a, dir));
      }),
    );
  });

  it('never lets the hash override a strictly better metric', () => {
    fc.assert(
      fc.property(entry, entry, direction, (a, b, dir) => {
        fc.pre(a.metric !== b.metric);
        const better = (dir === 'minimize') === a.metric < b.metric ? a : b;
        assert.equal(preferredEntry(a, b, dir), better);
      }),
    );
  });
});
