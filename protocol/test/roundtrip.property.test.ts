/**
 * Property: the encoding is a bijection between valid objects and canonical bytes. For
 * every kind, decode(encode(x)) is x, and encode(decode(b)) is b for every b that decodes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ATTESTATION,
  CANDIDATE,
  COMMITMENT,
  candidateCodec,
  decodeObject,
  decodeSigned,
  encodeObject,
  idOf,
  type SignedKind,
  TARGET,
} from '../src/index.ts';
import * as arb from './arbitraries.ts';
import { hex } from './helpers.ts';

const { kinds } = arb;

describe('round trips', () => {
  for (const [name, codec, values] of kinds) {
    it(`decodes every encoded ${name} to an equal ${name}`, () => {
      fc.assert(
        fc.property(values, (x) => {
          assert.deepEqual(decodeObject(codec, encodeObject(codec, x)), x);
        }),
      );
    });

    it(`re-encodes every decoded ${name} to the same bytes`, () => {
      fc.assert(
        fc.property(values, (x) => {
          const bytes = encodeObject(codec, x);
          assert.equal(hex(encodeObject(codec, decodeObject(codec, bytes))), hex(bytes));
        }),
      );
    });
  }

  const signed: [string, SignedKind<never>, fc.Arbitrary<unknown>][] = [
    ['target', TARGET as SignedKind<never>, arb.target],
    ['commitment', COMMITMENT as SignedKind<never>, arb.commitment],
    ['candidate', CANDIDATE as SignedKind<never>, arb.candidate],
    ['attestation', ATTESTATION as SignedKind<never>, arb.attestation],
  ];
  for (const [name, kind, values] of signed) {
    it(`gives a received ${name} the id its sender computed`, () => {
      fc.assert(
        fc.property(values, (x) => {
          const received = decodeSigned(kind, encodeObject(kind.codec, x as never));
          assert.equal(hex(received.id), hex(idOf(kind, x as never)));
        }),
      );
    });
  }

  it('gives objects that differ in one field different encodings', () => {
    fc.assert(
      fc.property(arb.candidate, arb.f64, (c, claim) => {
        fc.pre(claim !== c.claim);
        const a = encodeObject(candidateCodec, c);
        const b = encodeObject(candidateCodec, { ...c, claim });
        assert.notEqual(hex(a), hex(b));
      }),
    );
  });
});
