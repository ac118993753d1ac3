/**
 * Decoding refuses every value that a canonical writer would not produce: non-minimal or
 * oversized varints, non-finite or negative-zero doubles, bad booleans, enums and UTF-8,
 * lengths over a field's bound, and lists out of order (PROTOCOL.md, "Encoding").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reader } from '../src/codec/reader.ts';
import {
  attestationCodec,
  decodeObject,
  decodeStatus,
  decodeTree,
  encodeObject,
  targetCodec,
} from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';
import { assertThrowsCode, bytes, withByte } from './helpers.ts';

const zero = new Uint8Array(32);

/** A tree of hand-built files; each file is its struct's field bytes. */
const tree = (...files: Uint8Array[]) =>
  bytes('02 01 01', files.length, ...files.flatMap((f) => [bytes(f.length), f]));
const file = (path: Uint8Array, { size = '00', exec = '00' } = {}) =>
  bytes('01', path.length, path, '02', zero, '03', size, '04', exec);
const ascii = (text: string) => Uint8Array.from(Buffer.from(text));

/** A status with one head whose metric is the given eight bytes. */
const statusWithMetric = (f64: string) =>
  bytes('07 01 01 01 4d 01', zero, '02', zero, '03 00 04', f64);

describe('decoding: integers', () => {
  it('rejects a varint with a redundant zero byte', () => {
    assertThrowsCode(
      () => new Reader(bytes('80 00')).varint(),
      'decode_varint_not_minimal',
      'reject',
    );
    assertThrowsCode(
      () => decodeTree(bytes('02 01 81 00 00')),
      'decode_varint_not_minimal',
      'reject',
    );
    const padded = tree(file(ascii('a'), { size: 'ff 00' }));
    assertThrowsCode(() => decodeTree(padded), 'decode_varint_not_minimal', 'reject');
  });

  it('rejects a varint above 2^53 - 1', () => {
    const twoTo53 = '80 80 80 80 80 80 80 10';
    assertThrowsCode(() => new Reader(bytes(twoTo53)).varint(), 'decode_int_too_large', 'reject');
    const big = tree(file(ascii('a'), { size: twoTo53 }));
    assertThrowsCode(() => decodeTree(big), 'decode_int_too_large', 'reject');
  });

  it('rejects a varint longer than any safe integer needs, however it ends', () => {
    for (const length of [9, 20, 150, 400]) {
      const long = new Uint8Array(length).fill(0x80);
      long[length - 1] = 0x01;
      assertThrowsCode(() => new Reader(long).varint(), 'decode_int_too_large', 'reject');
      assertThrowsCode(() => decodeTree(bytes('02 01 01', long)), 'decode_int_too_large', 'reject');
    }
  });
});

describe('decoding: doubles, booleans and enums', () => {
  it('rejects NaN and the infinities', () => {
    for (const f64 of [
      '7ff8000000000000',
      '7ff0000000000000',
      'fff0000000000000',
      'fff8000000000001',
    ]) {
      assertThrowsCode(
        () => decodeStatus(statusWithMetric(f64)),
        'decode_float_not_finite',
        'reject',
      );
    }
  });

  it('rejects negative zero, whose canonical form is positive zero', () => {
    const negZero = statusWithMetric('8000000000000000');
    assertThrowsCode(() => decodeStatus(negZero), 'decode_float_negative_zero', 'reject');
  });

  it('rejects a boolean byte other than 0 or 1', () => {
    for (const exec of ['02', 'ff']) {
      const bad = tree(file(ascii('a'), { exec }));
      assertThrowsCode(() => decodeTree(bad), 'decode_bad_bool', 'reject');
    }
  });

  it('rejects an enum index past the last value', async () => {
    const genesis = await new ChainBuilder(await makeFixture()).genesis();
    const encoded = encodeObject(attestationCodec, genesis.attestations[0]!);
    // kind, version, then fields 1-3 of 33 bytes each: field 4 (the verdict) is at 101.
    const verdict = 2 + 3 * 33 + 1;
    decodeObject(attestationCodec, withByte(encoded, verdict, 1));
    const bad = withByte(encoded, verdict, 2);
    assertThrowsCode(() => decodeObject(attestationCodec, bad), 'decode_bad_enum', 'reject');
  });
});

describe('decoding: strings, lengths and order', () => {
  it('rejects strings that are not well-formed UTF-8', () => {
    // A stray continuation byte, an overlong '/', a surrogate, a code point past U+10FFFF.
    for (const path of ['ff', '80', 'c0af', 'eda080', 'f4908080', '61e2']) {
      const bad = tree(file(bytes(path)));
      assertThrowsCode(() => decodeTree(bad), 'decode_bad_utf8', 'reject');
    }
  });

  it('rejects a string longer than its field allows, counted in bytes', () => {
    // Paths are at most 1024 bytes: 1025 = varint 81 08.
    const long = bytes('02 01 01 01 81 08 01 81 08', new Uint8Array(1025).fill(0x61));
    assertThrowsCode(() => decodeTree(long), 'decode_too_long', 'reject');
  });

  it('rejects a list with more items than its field allows', () => {
    // A status holds at most 10,000 heads: 10,001 = varint 91 4e.
    assertThrowsCode(() => decodeStatus(bytes('07 01 01 91 4e')), 'decode_too_long', 'reject');
    // A tree holds at most 100,000 files: 100,001 = varint a1 8d 06.
    assertThrowsCode(() => decodeTree(bytes('02 01 01 a1 8d 06')), 'decode_too_long', 'reject');
  });

  it('rejects a sorted list out of order or with a duplicate', () => {
    const [a, b] = [file(ascii('a')), file(ascii('b'))];
    assertThrowsCode(() => decodeTree(tree(b, a)), 'decode_unsorted', 'reject');
    assertThrowsCode(() => decodeTree(tree(a, a)), 'decode_unsorted', 'reject');
    // Sorted by bytes, not by UTF-16 code units: 'ｚ' (ef bd 9a) sorts after '😀' (f0 9f …).
    decodeTree(tree(file(ascii('z')), file(ascii('ｚ')), file(ascii('😀'))));
    assertThrowsCode(
      () => decodeTree(tree(file(ascii('😀')), file(ascii('ｚ')))),
      'decode_unsorted',
      'reject',
    );
  });
});

describe('decoding from a Node Buffer', () => {
  it('gives plain Uint8Array fields that do not share memory with the input', async () => {
    const fixture = await makeFixture();
    const input = Buffer.from(encodeObject(targetCodec, fixture.target));
    const decoded = decodeObject(targetCodec, input);
    assert.equal(Object.getPrototypeOf(decoded.author), Uint8Array.prototype);
    const before = Uint8Array.from(decoded.author);
    input.fill(0);
    assert.deepEqual(decoded.author, before);
  });
});
