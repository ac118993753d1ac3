/**
 * Property: decoding untrusted bytes either gives the one object whose canonical encoding
 * they are, or throws a ProtocolError with a decode code and the reject action. Never a
 * TypeError or RangeError, never a value that re-encodes differently.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  candidateCodec,
  decodeObject,
  encodeObject,
  isProtocolError,
  type ObjectCodec,
} from '../src/index.ts';
import * as arb from './arbitraries.ts';
import { hex } from './helpers.ts';
import { fromHexString, readVectors } from './vectors.ts';

const { kinds } = arb;

const article = (name: string) => (/^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`);

/** Decodes `bytes`: a canonical object, or a ProtocolError that rejects. */
function decodesCanonicallyOrRejects(codec: ObjectCodec<unknown>, bytes: Uint8Array): void {
  let value: unknown;
  try {
    value = decodeObject(codec, bytes);
  } catch (err) {
    assert.ok(isProtocolError(err), `${hex(bytes)} threw ${String(err)}`);
    assert.match(err.code, /^decode_/);
    assert.equal(err.action, 'reject');
    return;
  }
  assert.equal(hex(encodeObject(codec, value)), hex(bytes));
}

type Mutation =
  | { op: 'set'; at: number; value: number }
  | { op: 'delete'; at: number }
  | { op: 'insert'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'widen'; at: number }
  | { op: 'overwrite'; at: number; with: readonly number[] };

/** Bytes at the edges of the encoding rules: bools, varint continuation, lengths. */
const byte = fc.oneof(fc.nat(255), fc.constantFrom(0x00, 0x01, 0x02, 0x7f, 0x80, 0xff));
/** Doubles the wire refuses: -0, NaN and +Infinity, big-endian. */
const badDouble = fc.constantFrom(
  [0x80, 0, 0, 0, 0, 0, 0, 0],
  [0x7f, 0xf8, 0, 0, 0, 0, 0, 0],
  [0x7f, 0xf0, 0, 0, 0, 0, 0, 0],
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set'), at: fc.nat(), value: byte }),
  fc.record({ op: fc.constant('delete'), at: fc.nat() }),
  fc.record({ op: fc.constant('insert'), at: fc.nat(), value: byte }),
  fc.record({ op: fc.constant('truncate'), at: fc.nat() }),
  // A one-byte varint written in two bytes: b becomes (b | 0x80), 0x00.
  fc.record({ op: fc.constant('widen'), at: fc.nat() }),
  fc.record({ op: fc.constant('overwrite'), at: fc.nat(), with: badDouble }),
) as fc.Arbitrary<Mutation>;

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = [...bytes];
  for (const m of mutations) {
    const at = m.at % (out.length + 1);
    if (m.op === 'set' && at < out.length) out[at] = m.value;
    if (m.op === 'delete') out.splice(at, 1);
    if (m.op === 'insert') out.splice(at, 0, m.value);
    if (m.op === 'truncate') out = out.slice(0, at);
    if (m.op === 'widen' && at < out.length && out[at]! < 0x80)
      out.splice(at, 1, out[at]! | 0x80, 0);
    if (m.op === 'overwrite') out.splice(at, m.with.length, ...m.with);
  }
  return Uint8Array.from(out);
}

describe('decoding untrusted bytes', () => {
  for (const [name, codec, values] of kinds) {
    it(`rejects random bytes as ${article(name)} with a ProtocolError, or decodes them canonically`, () => {
      const header = fc.constantFrom([codec.kind, codec.version], [codec.kind], []);
      fc.assert(
        fc.property(header, fc.uint8Array({ maxLength: 300 }), (head, rest) => {
          decodesCanonicallyOrRejects(codec, Uint8Array.from([...head, ...rest]));
        }),
        { numRuns: 500 },
      );
    });

    it(`rejects a mutated ${name} with a ProtocolError, or decodes it canonically`, () => {
      fc.assert(
        fc.property(values, fc.array(mutation, { minLength: 1, maxLength: 3 }), (x, ms) => {
          decodesCanonicallyOrRejects(codec, mutate(encodeObject(codec, x), ms));
        }),
        { numRuns: 500 },
      );
    });
  }

  // Every small edit at every offset of the golden vectors: each field, flag and length of
  // each kind meets every interesting byte, which random offsets would rarely do.
  for (const [name, codec] of kinds) {
    it(`rejects or canonically decodes every one-place edit of the golden ${name} vectors`, () => {
      // An entry's nested objects are covered by their own kinds: one entry vector will do.
      const vectors = readVectors<{ encoding: string }>(`${name}.json`);
      for (const v of name === 'entry' ? vectors.slice(0, 1) : vectors) {
        const bytes = fromHexString(v.encoding);
        for (let at = 0; at <= bytes.length; at++) {
          const edits: Mutation[] = [
            { op: 'delete', at },
            { op: 'widen', at },
            ...[0x00, 0x02, 0x80, 0xff].flatMap((value): Mutation[] => [
              { op: 'set', at, value },
              { op: 'insert', at, value },
            ]),
            ...fc
              .sample(badDouble, { numRuns: 3, seed: 1 })
              .map((w): Mutation => ({ op: 'overwrite', at, with: w })),
          ];
          for (const edit of edits) decodesCanonicallyOrRejects(codec, mutate(bytes, [edit]));
        }
      }
    });
  }

  it('rejects every strict prefix of a valid encoding', () => {
    fc.assert(
      fc.property(arb.candidate, (c) => {
        const bytes = encodeObject(candidateCodec, c);
        for (let n = 0; n < bytes.length; n++) {
          assert.throws(() => decodeObject(candidateCodec, bytes.subarray(0, n)), isProtocolError);
        }
      }),
      { numRuns: 20 },
    );
  });
});
