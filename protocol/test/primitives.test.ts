/**
 * Hand-written vectors for the encoding's primitives (PROTOCOL.md, "Encoding"): minimal
 * unsigned LEB128 varints, big-endian IEEE 754 doubles, length-prefixed UTF-8 strings and
 * count-prefixed lists. The bytes are written out by hand from the rules, not by the code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reader } from '../src/codec/reader.ts';
import { Writer } from '../src/codec/writer.ts';
import {
  decodeStatus,
  decodeTree,
  encodeStatus,
  encodeTree,
  type Status,
  type Tree,
} from '../src/index.ts';
import { bytes, hex } from './helpers.ts';

const varints: [number, string][] = [
  [0, '00'],
  [1, '01'],
  [127, '7f'],
  [128, '8001'],
  [300, 'ac02'],
  [16_384, '808001'],
  [2 ** 32, '8080808010'],
  [Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'],
];

describe('varints', () => {
  for (const [value, expected] of varints) {
    it(`writes ${value} as ${expected} and reads it back`, () => {
      const w = new Writer();
      w.varint(value);
      assert.equal(hex(w.finish()), expected);
      const r = new Reader(bytes(expected));
      assert.equal(r.varint(), value);
      assert.equal(r.done, true);
    });
  }

  it('refuses to write what is not a safe unsigned integer', () => {
    for (const bad of [-1, 1.5, 2 ** 53, Number.NaN]) {
      assert.throws(() => new Writer().varint(bad), RangeError, String(bad));
    }
  });
});

describe('doubles', () => {
  const doubles: [number, string][] = [
    [1.5, '3ff8000000000000'],
    [0, '0000000000000000'],
    [-2, 'c000000000000000'],
    [Number.MIN_VALUE, '0000000000000001'],
    [Number.MAX_VALUE, '7fefffffffffffff'],
  ];
  for (const [value, expected] of doubles) {
    it(`writes ${value} as the big-endian binary64 ${expected}`, () => {
      const w = new Writer();
      w.f64(value);
      assert.equal(hex(w.finish()), expected);
      assert.equal(new Reader(bytes(expected)).f64(), value);
    });
  }
});

describe('whole objects written out by hand', () => {
  const target = new Uint8Array(32).fill(0x11);
  const head = new Uint8Array(32).fill(0x22);
  const blob = new Uint8Array(32).fill(0x33);

  it('encodes an empty list as a zero count', () => {
    const empty: Status = { heads: [] };
    assert.equal(hex(encodeStatus(empty)), '07010100');
    assert.deepEqual(decodeStatus(bytes('07010100')), empty);
    assert.equal(hex(encodeTree({ files: [] })), '02010100');
  });

  it('encodes a struct as its length, then its fields by number', () => {
    const status: Status = { heads: [{ target, head, height: 300, metric: 1.5 }] };
    // kind 7, version 1; field 1, one item of 33 + 33 + 3 + 9 = 78 bytes (0x4e).
    const expected = bytes(
      '07 01 01 01 4e',
      [0x01, ...target],
      [0x02, ...head],
      '03 ac02',
      '04 3ff8000000000000',
    );
    assert.equal(hex(encodeStatus(status)), hex(expected));
    assert.deepEqual(decodeStatus(expected), status);
  });

  it('encodes a string as its UTF-8 byte length, then its bytes', () => {
    const tree: Tree = {
      files: [{ path: 'héllo', blob, size: Number.MAX_SAFE_INTEGER, executable: true }],
    };
    // 'héllo' is 6 bytes of UTF-8 (é is c3 a9); the file struct is 8 + 33 + 9 + 2 = 52 bytes.
    const expected = bytes(
      '02 01 01 01 34',
      '01 06 68c3a96c6c6f',
      [0x02, ...blob],
      '03 ffffffffffffff0f',
      '04 01',
    );
    assert.equal(hex(encodeTree(tree)), hex(expected));
    assert.deepEqual(decodeTree(expected), tree);
  });

  it('writes negative zero as positive zero, its one canonical form', () => {
    const status: Status = { heads: [{ target, head, height: 0, metric: -0 }] };
    const encoded = encodeStatus(status);
    assert.equal(hex(encoded.subarray(-8)), '0000000000000000');
    assert.equal(Object.is(decodeStatus(encoded).heads[0]!.metric, 0), true);
  });
});
