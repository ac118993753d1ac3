/**
 * Run seeds (rules/seed.ts): seed(i) = H(seed tag, parent ‖ u32be(i)), so a worker can never
 * choose the seed its candidate is verified with.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { deriveSeed, entryHash, seedBase, seedNumber, TAG, taggedHash } from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';
import { hex } from './helpers.ts';

const parent = new Uint8Array(32).fill(0xab);
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('deriveSeed', () => {
  it('hashes the parent and the big-endian run index under the seed tag', () => {
    const expected = taggedHash(TAG.seed, parent, Uint8Array.of(0x01, 0x02, 0x03, 0x04));
    assert.deepEqual(deriveSeed(parent, 0x01020304), expected);
  });

  it('gives different seeds for different run indexes', () => {
    const seeds = [0, 1, 2, 255, 256, 0xffffffff].map((i) => hex(deriveSeed(parent, i)));
    assert.equal(new Set(seeds).size, seeds.length);
  });

  it('gives different seeds for different parents', () => {
    fc.assert(
      fc.property(hash32, hash32, fc.nat({ max: 0xffffffff }), (p, q, i) => {
        fc.pre(hex(p) !== hex(q));
        assert.notEqual(hex(deriveSeed(p, i)), hex(deriveSeed(q, i)));
      }),
    );
  });

  it('is the same for the same parent and index', () => {
    assert.deepEqual(deriveSeed(Uint8Array.from(parent), 7), deriveSeed(parent, 7));
  });

  it('accepts every u32 index and refuses anything else', () => {
    deriveSeed(parent, 0);
    deriveSeed(parent, 0xffffffff);
    for (const bad of [-1, 0x100000000, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => deriveSeed(parent, bad), RangeError, String(bad));
    }
  });
});

describe('seedNumber', () => {
  it('reads the first four bytes of a seed as a big-endian u32', () => {
    const seed = new Uint8Array(32);
    seed.set([0xde, 0xad, 0xbe, 0xef, 0x01]);
    assert.equal(seedNumber(seed), 0xdeadbeef);
    assert.equal(seedNumber(seed.subarray(1)), 0xadbeef01);
  });
});

describe('seedBase', () => {
  it('is the parent entry for a candidate, and the target id for a baseline', async () => {
    const fixture = await makeFixture();
    const chain = new ChainBuilder(fixture);
    const genesis = await chain.genesis();
    const next = await chain.extend(genesis, entryHash(genesis));
    assert.deepEqual(seedBase(genesis.candidate), fixture.targetId);
    assert.deepEqual(seedBase(next.candidate), entryHash(genesis));
  });
});
