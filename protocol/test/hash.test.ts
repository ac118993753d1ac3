/**
 * Domain-separated hashing (hash.ts, tags.ts) and the byte helpers (bytes.ts) that ids,
 * sort orders and hex forms rest on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  compareBytes,
  concatBytes,
  equalBytes,
  fromHex,
  hashHex,
  KIND,
  shortHash,
  TAG,
  type Tag,
  taggedHash,
  taggedHasher,
  toHex,
} from '../src/index.ts';
import { referenceTaggedHash } from './vectors.ts';

const tags = Object.values(TAG) as Tag[];
const data = fc.uint8Array({ maxLength: 200 });

describe('taggedHash', () => {
  it('is SHA-256 of the tag length byte, the tag and the data', () => {
    fc.assert(
      fc.property(fc.constantFrom(...tags), data, (tag, bytes) => {
        assert.equal(hashHex(taggedHash(tag, bytes)), referenceTaggedHash(tag, [bytes]));
      }),
    );
  });

  it('hashes several parts as their concatenation', () => {
    fc.assert(
      fc.property(fc.constantFrom(...tags), data, data, (tag, a, b) => {
        assert.deepEqual(taggedHash(tag, a, b), taggedHash(tag, concatBytes([a, b])));
      }),
    );
  });

  it('gives the same data a different hash under every tag', () => {
    fc.assert(
      fc.property(data, (bytes) => {
        const hashes = tags.map((t) => hashHex(taggedHash(t, bytes)));
        assert.equal(new Set(hashes).size, tags.length);
      }),
    );
  });

  it('keeps a tag and its data apart: the length byte ends the tag', () => {
    // Without the length prefix, tag "…/tree" + "x" and tag "…/treex" would collide.
    const tree = taggedHash(TAG.tree, new TextEncoder().encode('x'));
    assert.notEqual(hashHex(tree), referenceTaggedHash(`${TAG.tree}x`, []));
  });
});

describe('tags and kinds', () => {
  it('are distinct and versioned', () => {
    assert.equal(new Set(tags).size, tags.length);
    for (const tag of tags) assert.match(tag, /^nightshift\/v1\/[a-z-]+$/);
    const kinds = Object.values(KIND);
    assert.equal(new Set(kinds).size, kinds.length);
  });
});

describe('byte helpers', () => {
  it('print hashes as lower-case hex, and short forms as their first 12 digits', () => {
    const h = Uint8Array.from({ length: 32 }, (_, i) => i * 8);
    assert.equal(hashHex(h), Buffer.from(h).toString('hex'));
    assert.equal(shortHash(h), hashHex(h).slice(0, 12));
  });

  it('read back exactly the hex they write, and refuse other spellings', () => {
    fc.assert(fc.property(data, (bytes) => assert.deepEqual(fromHex(toHex(bytes)), bytes)));
    for (const bad of ['0', 'AB', 'zz', '0x00', ' 00']) {
      assert.throws(() => fromHex(bad), TypeError, bad);
    }
  });

  it('order bytes lexicographically, a prefix before its extensions', () => {
    assert.ok(compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3)) < 0);
    assert.ok(compareBytes(Uint8Array.of(1), Uint8Array.of(1, 0)) < 0);
    assert.ok(compareBytes(Uint8Array.of(2), Uint8Array.of(1, 255)) > 0);
    assert.equal(compareBytes(Uint8Array.of(), Uint8Array.of()), 0);
    fc.assert(
      fc.property(data, data, (a, b) => {
        const byHex = toHex(a) < toHex(b) ? -1 : toHex(a) > toHex(b) ? 1 : 0;
        assert.equal(Math.sign(compareBytes(a, b)), byHex);
        assert.equal(equalBytes(a, b), byHex === 0);
      }),
    );
  });
});

describe('taggedHasher', () => {
  it('gives the same hash fed in pieces as taggedHash over the whole', () => {
    const data = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
    const hasher = taggedHasher(TAG.blob);
    for (let i = 0; i < data.length; i += 777) hasher.update(data.subarray(i, i + 777));
    assert.deepEqual(hasher.digest(), taggedHash(TAG.blob, data));
  });
});
