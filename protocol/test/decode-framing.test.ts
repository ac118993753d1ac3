/**
 * Decoding refuses bytes that are not the canonical encoding of the expected object: the
 * kind and version header, the size bound, and the field framing (PROTOCOL.md, "Encoding").
 */
import { describe, it } from 'node:test';
import {
  candidateCodec,
  decodeEntry,
  decodeObject,
  decodeStatus,
  decodeTree,
  encodeObject,
  LIMITS,
} from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';
import { assertThrowsCode, bytes } from './helpers.ts';

const fixture = await makeFixture();
const genesis = await new ChainBuilder(fixture).genesis();
const candidate = encodeObject(candidateCodec, genesis.candidate);
const decodeCandidate = (b: Uint8Array) => decodeObject(candidateCodec, b);

describe('decoding: header and size', () => {
  it('rejects an object larger than its kind allows before parsing it', () => {
    const big = new Uint8Array(LIMITS.candidateBytes + 1);
    big.set(candidate);
    assertThrowsCode(() => decodeCandidate(big), 'decode_too_large', 'reject');
  });

  it('rejects a nested object whose length prefix exceeds its kind limit', () => {
    // entry: target, height 0, prev, then field 4 (the candidate) claiming 8193 bytes.
    const zero = new Uint8Array(32);
    const entry = bytes('06 01 01', zero, '02 00 03', zero, '04 8140', candidate);
    assertThrowsCode(() => decodeEntry(entry), 'decode_too_large', 'reject');
  });

  it('rejects a kind byte that names no object', () => {
    assertThrowsCode(() => decodeTree(bytes('63 01 01 00')), 'decode_unknown_kind', 'reject');
    assertThrowsCode(() => decodeTree(bytes('00 01 01 00')), 'decode_unknown_kind', 'reject');
  });

  it('rejects an object of another known kind', () => {
    assertThrowsCode(() => decodeTree(candidate), 'decode_wrong_kind', 'reject');
    assertThrowsCode(() => decodeStatus(bytes('02 01 01 00')), 'decode_wrong_kind', 'reject');
  });

  it('rejects a version it does not know', () => {
    assertThrowsCode(() => decodeTree(bytes('02 02 01 00')), 'decode_unknown_version', 'reject');
    assertThrowsCode(() => decodeTree(bytes('02 00 01 00')), 'decode_unknown_version', 'reject');
  });

  it('rejects an empty input and a header cut short', () => {
    assertThrowsCode(() => decodeTree(bytes()), 'decode_truncated', 'reject');
    assertThrowsCode(() => decodeTree(bytes('02')), 'decode_truncated', 'reject');
  });
});

describe('decoding: fields', () => {
  it('rejects bytes that end inside a value', () => {
    const cut = candidate.subarray(0, candidate.length - 1);
    assertThrowsCode(() => decodeCandidate(cut), 'decode_truncated', 'reject');
    // A list that promises one item and has none.
    assertThrowsCode(() => decodeTree(bytes('02 01 01 01')), 'decode_truncated', 'reject');
  });

  it('rejects a field number that the schema does not have', () => {
    assertThrowsCode(
      () => decodeTree(bytes('02 01 01 00 02 00')),
      'decode_unknown_field',
      'reject',
    );
    // Field 126 in a candidate, between its last field (9) and the signature (127).
    const body = encodeObject(candidateCodec, genesis.candidate, { omitSignature: true });
    const withExtra = bytes(body, '7e 00 7f', genesis.candidate.signature);
    assertThrowsCode(() => decodeCandidate(withExtra), 'decode_unknown_field', 'reject');
  });

  it('rejects a field repeated or out of ascending order', () => {
    assertThrowsCode(() => decodeTree(bytes('02 01 01 00 01 00')), 'decode_field_order', 'reject');
    // A status head with field 2 twice.
    const h = new Uint8Array(32);
    const twice = bytes('07 01 01 01 6e 01', h, '02', h, '02', h, '03 00 04 3ff8000000000000');
    assertThrowsCode(() => decodeStatus(twice), 'decode_field_order', 'reject');
  });

  it('rejects bytes after the last field as a field out of order', () => {
    const trailing = bytes(candidate, '00');
    assertThrowsCode(() => decodeCandidate(trailing), 'decode_field_order', 'reject');
  });

  it('rejects an object without a required field', () => {
    assertThrowsCode(() => decodeTree(bytes('02 01')), 'decode_missing_field', 'reject');
    const unsigned = encodeObject(candidateCodec, genesis.candidate, { omitSignature: true });
    assertThrowsCode(() => decodeCandidate(unsigned), 'decode_missing_field', 'reject');
    // A status head with fields 1, 2 and 4: the height (3) is missing.
    const h = new Uint8Array(32);
    const noHeight = bytes('07 01 01 01 4b 01', h, '02', h, '04 3ff8000000000000');
    assertThrowsCode(() => decodeStatus(noHeight), 'decode_missing_field', 'reject');
  });

  it('rejects a struct whose fields run past its length', () => {
    // The head claims 76 bytes but its fields need 33 + 33 + 2 + 9 = 77.
    const h = new Uint8Array(32);
    const short = bytes('07 01 01 01 4c 01', h, '02', h, '03 00 04 3ff8000000000000');
    assertThrowsCode(() => decodeStatus(short), 'decode_truncated', 'reject');
  });
});
