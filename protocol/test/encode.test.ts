/**
 * What the encoder refuses: values the wire cannot carry, or that decoding would refuse.
 * An encoder that wrote them would sign and gossip bytes that every peer rejects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  attestationCodec,
  candidateCodec,
  decodeObject,
  encodeObject,
  LIMITS,
  targetCodec,
  treeCodec,
} from '../src/index.ts';
import * as arb from './arbitraries.ts';

describe('encoding bounds', () => {
  it('encodes a list of exactly its maximum length and refuses one more item', () => {
    fc.assert(
      fc.property(arb.attestation, (a) => {
        const full = { ...a, runs: Array.from({ length: LIMITS.maxRuns }, (_, i) => i) };
        assert.deepEqual(
          decodeObject(attestationCodec, encodeObject(attestationCodec, full)),
          full,
        );
        const over = { ...full, runs: [...full.runs, 0] };
        assert.throws(() => encodeObject(attestationCodec, over), TypeError);
      }),
      { numRuns: 20 },
    );
  });

  it('refuses to encode a string one byte over its limit', () => {
    fc.assert(
      fc.property(arb.candidate, (c) => {
        const description = 'é'.repeat(LIMITS.descriptionBytes / 2);
        encodeObject(candidateCodec, { ...c, description });
        assert.throws(
          () => encodeObject(candidateCodec, { ...c, description: `${description}x` }),
          TypeError,
        );
      }),
      { numRuns: 20 },
    );
  });

  it('refuses to encode a sorted list out of order or with a duplicate', () => {
    fc.assert(
      fc.property(arb.tree, (t) => {
        fc.pre(t.files.length >= 2);
        const reversed = { files: [...t.files].reverse() };
        assert.throws(() => encodeObject(treeCodec, reversed), TypeError);
        const repeated = { files: [t.files[0]!, ...t.files] };
        assert.throws(() => encodeObject(treeCodec, repeated), TypeError);
      }),
      { numRuns: 20 },
    );
  });

  it('refuses to encode numbers the wire cannot carry', () => {
    fc.assert(
      fc.property(arb.candidate, (c) => {
        for (const claim of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          assert.throws(() => encodeObject(candidateCodec, { ...c, claim }), TypeError);
        }
        for (const createdAt of [-1, 0.5, 2 ** 53]) {
          assert.throws(() => encodeObject(candidateCodec, { ...c, createdAt }), TypeError);
        }
      }),
      { numRuns: 10 },
    );
  });
});

describe('encoding text and size', () => {
  it('refuses a string with a lone surrogate rather than silently replacing it', () => {
    fc.assert(
      fc.property(arb.candidate, fc.constantFrom('\uD800', 'a\uDC00', '\uDBFF\uDBFF'), (c, bad) => {
        assert.throws(() => encodeObject(candidateCodec, { ...c, description: bad }), TypeError);
      }),
      { numRuns: 10 },
    );
    // A surrogate pair is one code point and encodes as four bytes.
    const c = fc.sample(arb.candidate, 1)[0]!;
    const pair = { ...c, description: '\uD83D\uDE00' };
    assert.deepEqual(decodeObject(candidateCodec, encodeObject(candidateCodec, pair)), pair);
  });

  it('refuses an object larger than its kind may be, which no peer would decode', () => {
    fc.assert(
      fc.property(arb.target, (t) => {
        // 64 arguments of 4096 bytes: each list is in bounds, the whole is over 256 KiB.
        const run = Array.from({ length: 64 }, () => 'x'.repeat(4096));
        assert.throws(() => encodeObject(targetCodec, { ...t, run }), TypeError);
      }),
      { numRuns: 5 },
    );
  });
});
