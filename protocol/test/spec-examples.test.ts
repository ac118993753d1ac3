/**
 * The worked examples of PROTOCOL.md, copied by hand: if the code and the spec disagree on
 * one of them, one of the two is wrong. Section numbers are PROTOCOL.md's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Writer } from '../src/codec/writer.ts';
import {
  blobHash,
  decodeStatus,
  decodeTree,
  deriveSeed,
  encodeStatus,
  encodeTree,
  hashHex,
  type Status,
  seedNumber,
  shortHash,
  type Tree,
  treeHash,
  utf8,
  withinTolerance,
} from '../src/index.ts';
import { assertThrowsCode, bytes, hex } from './helpers.ts';

const fill = (byte: number) => new Uint8Array(32).fill(byte);

describe('PROTOCOL.md worked examples', () => {
  it('§2.4: varints and doubles', () => {
    const written = (write: (w: Writer) => void) => {
      const w = new Writer();
      write(w);
      return hex(w.finish());
    };
    assert.equal(
      written((w) => w.varint(1_700_000_000_000)),
      '80d095ffbc31',
    );
    assert.equal(
      written((w) => w.f64(2.5)),
      '4004000000000000',
    );
    assert.equal(
      written((w) => w.f64(-1.5)),
      'bff8000000000000',
    );
  });

  describe('§2.8: a Status with one head', () => {
    const status: Status = {
      heads: [{ target: fill(0x11), head: fill(0x22), height: 5, metric: 2.5 }],
    };
    const wire = bytes(
      '07 01 01 01 4d 01',
      fill(0x11),
      '02',
      fill(0x22),
      '03 05 04 4004000000000000',
    );

    it('is 82 bytes, field by field as the table shows', () => {
      assert.equal(wire.length, 82);
      assert.equal(hex(encodeStatus(status)), hex(wire));
      assert.deepEqual(decodeStatus(wire), status);
      assert.equal(hex(encodeStatus({ heads: [] })), '07010100');
    });

    it('fails with the codes the spec gives for each edit', () => {
      const negZero = bytes(wire.subarray(0, 74), '8000000000000000');
      assertThrowsCode(() => decodeStatus(negZero), 'decode_float_negative_zero', 'reject');
      const padded = bytes(
        '07 01 01 01 4e 01',
        fill(0x11),
        '02',
        fill(0x22),
        '03 85 00 04 4004000000000000',
      );
      assertThrowsCode(() => decodeStatus(padded), 'decode_varint_not_minimal', 'reject');
      assertThrowsCode(() => decodeStatus(bytes(wire, '00')), 'decode_field_order', 'reject');
      assertThrowsCode(() => decodeStatus(bytes(wire, '05')), 'decode_unknown_field', 'reject');
    });
  });

  it('§2.9: a Tree with one file, and its tree hash', () => {
    const content = utf8('hello\n');
    const tree: Tree = {
      files: [{ path: 'train.py', blob: blobHash(content), size: 6, executable: false }],
    };
    const wire = bytes(
      '02 01 01 01 2f',
      '01 08 747261696e2e7079',
      '02 c04b77e471566e2a515dabb19928c97139734c0bc5ff5d7db3452aec78403b74',
      '03 06 04 00',
    );
    assert.equal(wire.length, 52);
    assert.equal(hex(encodeTree(tree)), hex(wire));
    assert.deepEqual(decodeTree(wire), tree);
    assert.equal(
      hashHex(treeHash(tree)),
      '276c8e279db89725cc7d46ddd1120f8b999fd2f7da5e5d3782c7c31a38dc349a',
    );
  });

  it('§3.1: blob hashes', () => {
    assert.equal(
      hashHex(blobHash(utf8('hello\n'))),
      'c04b77e471566e2a515dabb19928c97139734c0bc5ff5d7db3452aec78403b74',
    );
    assert.equal(
      hashHex(blobHash(new Uint8Array(0))),
      'e70a15aa71c9b3edb7d2676ae37f835f105d0837831408e78a04bff207fd7283',
    );
  });

  it('§3.5 and §3.6: run seeds, their number and short form', () => {
    const seed0 = deriveSeed(fill(0x22), 0);
    assert.equal(
      hashHex(seed0),
      '5bc439fb68ee4e4969b39d9f1552fe491fa32ac005501a3d6dea3e5a7abe626f',
    );
    assert.equal(seedNumber(seed0), 1539586555);
    assert.equal(shortHash(seed0), '5bc439fb68ee');
    assert.equal(
      hashHex(deriveSeed(fill(0x22), 1)),
      'c902eaff8acb2d0f5d64050d31c9fb3682a736136bf4161fe72ebc7021899b49',
    );
  });

  it('§7.2: the tolerance boundary follows binary64 rounding', () => {
    assert.equal(withinTolerance(2.52, 2.5, 0.02), false);
    assert.equal(withinTolerance(2.51, 2.5, 0.02), true);
  });
});
