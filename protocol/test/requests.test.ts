/**
 * The request messages of the network protocols (PROTOCOL.md, "Network messages"): each has
 * one canonical encoding, decodes back to what was encoded, and refuses other bytes with the
 * same decode errors as every object.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeFetchRequest,
  decodeRangeRequest,
  decodeStatus,
  encodeFetchRequest,
  encodeRangeRequest,
  FETCH_KINDS,
  type FetchRequest,
  KIND,
  type RangeRequest,
  REQUEST_LIMITS,
} from '../src/index.ts';
import { hash, uint } from './arbitraries.ts';
import { assertThrowsCode, bytes, hex } from './helpers.ts';

const record = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;

const rangeRequest = record<RangeRequest>({ target: hash, from: uint, count: uint });

const fetchRequest: fc.Arbitrary<FetchRequest> = fc.oneof(
  record<Omit<FetchRequest, 'range'>>({
    kind: fc.constantFrom(...FETCH_KINDS),
    hashes: fc.array(hash, { maxLength: REQUEST_LIMITS.maxFetchHashes }),
  }),
  record<FetchRequest>({
    kind: fc.constant('blob' as const),
    hashes: fc.array(hash, { minLength: 1, maxLength: 1 }),
    range: record({ offset: uint, length: uint }),
  }),
);

const h = (byte: number) => new Uint8Array(32).fill(byte);

describe('range requests', () => {
  it('encode as kind 8, version 1, then target, from and count', () => {
    const encoded = encodeRangeRequest({ target: h(0x11), from: 300, count: 512 });
    assert.equal(hex(encoded), hex(bytes('08 01 01', h(0x11), '02 ac02 03 8004')));
    assert.equal(encoded[0], KIND.rangeRequest);
  });

  it('decode every encoded request to an equal request, and re-encode to the same bytes', () => {
    fc.assert(
      fc.property(rangeRequest, (request) => {
        const encoded = encodeRangeRequest(request);
        assert.deepEqual(decodeRangeRequest(encoded), request);
        assert.equal(hex(encodeRangeRequest(decodeRangeRequest(encoded))), hex(encoded));
      }),
    );
  });

  it('refuse a missing count, another kind and bytes past the size bound', () => {
    assertThrowsCode(
      () => decodeRangeRequest(bytes('08 01 01', h(1), '02 00')),
      'decode_missing_field',
      'reject',
    );
    assertThrowsCode(() => decodeRangeRequest(bytes('07 01 01 00')), 'decode_wrong_kind', 'reject');
    const big = new Uint8Array(REQUEST_LIMITS.rangeRequestBytes + 1);
    big.set(encodeRangeRequest({ target: h(1), from: 0, count: 1 }));
    assertThrowsCode(() => decodeRangeRequest(big), 'decode_too_large', 'reject');
  });

  it('are not mistaken for a status, nor a status for them', () => {
    const encoded = encodeRangeRequest({ target: h(1), from: 0, count: 1 });
    assertThrowsCode(() => decodeStatus(encoded), 'decode_wrong_kind', 'reject');
  });
});

describe('fetch requests', () => {
  it('encode as kind 9, version 1, then kind index, hashes and the optional range', () => {
    const plain = encodeFetchRequest({ kind: 'tree', hashes: [h(0x22)] });
    assert.equal(hex(plain), hex(bytes('09 01 01 01 02 01', h(0x22))));
    const ranged = encodeFetchRequest({
      kind: 'blob',
      hashes: [h(0x33)],
      range: { offset: 1, length: 2 },
    });
    assert.equal(hex(ranged), hex(bytes('09 01 01 02 02 01', h(0x33), '03 04 01 01 02 02')));
  });

  it('decode every encoded request to an equal request, and re-encode to the same bytes', () => {
    fc.assert(
      fc.property(fetchRequest, (request) => {
        const encoded = encodeFetchRequest(request);
        assert.deepEqual(decodeFetchRequest(encoded), request);
        assert.equal(hex(encodeFetchRequest(decodeFetchRequest(encoded))), hex(encoded));
      }),
    );
  });

  it('refuse more hashes than the bound, an unknown kind and a range cut short', () => {
    const count = REQUEST_LIMITS.maxFetchHashes + 1;
    assertThrowsCode(
      () => decodeFetchRequest(bytes('09 01 01 00 02', count)),
      'decode_too_long',
      'reject',
    );
    assertThrowsCode(
      () => decodeFetchRequest(bytes('09 01 01 04 02 00')),
      'decode_bad_enum',
      'reject',
    );
    assertThrowsCode(
      () => decodeFetchRequest(bytes('09 01 01 02 02 01', h(3), '03 04 01 01')),
      'decode_truncated',
      'reject',
    );
  });

  it('refuse to encode more hashes than a peer would decode', () => {
    const hashes = Array.from({ length: REQUEST_LIMITS.maxFetchHashes + 1 }, () => h(4));
    assert.throws(() => encodeFetchRequest({ kind: 'blob', hashes }), TypeError);
  });
});
