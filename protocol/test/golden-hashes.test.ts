/**
 * Golden hashes: every hash domain of the protocol, with its tag and the exact bytes hashed
 * after the tag prefix, pinned by fixtures/vectors/hashes.json.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ATTESTATION,
  blobHash,
  CANDIDATE,
  COMMITMENT,
  commitmentValue,
  decodeEntry,
  decodeSigned,
  decodeTree,
  deriveSeed,
  entryHash,
  entryHashOfBytes,
  type SignedKind,
  TAG,
  TARGET,
  type Tag,
  taggedHash,
  treeHash,
} from '../src/index.ts';
import { hex } from './helpers.ts';
import { fromHexString, type HashVector, readVectors, referenceTaggedHash } from './vectors.ts';

const vectors = readVectors<HashVector>('hashes.json');
const byName = new Map(vectors.map((v) => [v.name, v]));

function vector(name: string): { parts: Uint8Array[]; encoding: Uint8Array; hash: string } {
  const v = byName.get(name);
  assert.ok(v, `no hash vector named ${name}`);
  return {
    parts: v.parts.map(fromHexString),
    encoding: fromHexString(v.encoding ?? ''),
    hash: v.hash,
  };
}

describe('golden hashes', () => {
  it('hold one vector for every hash domain', () => {
    const tags = new Set(vectors.map((v) => v.tag));
    assert.deepEqual([...tags].sort(), Object.values(TAG).sort());
  });

  for (const v of vectors) {
    it(`hash '${v.name}' is SHA-256 of the tag length, the tag and the parts`, () => {
      const parts = v.parts.map(fromHexString);
      assert.equal(referenceTaggedHash(v.tag, parts), v.hash);
      assert.equal(hex(taggedHash(v.tag as Tag, ...parts)), v.hash);
    });
  }

  it('gives blobs the hash of their content under the blob tag', () => {
    const { parts, hash } = vector('blob');
    assert.equal(hex(blobHash(parts[0]!)), hash);
  });

  it('gives a tree the hash of its canonical encoding', () => {
    const { parts, hash } = vector('tree');
    assert.equal(hex(treeHash(decodeTree(parts[0]!))), hash);
  });

  const ids: [string, SignedKind<never>][] = [
    ['target-id', TARGET as SignedKind<never>],
    ['commitment-id', COMMITMENT as SignedKind<never>],
    ['candidate-id', CANDIDATE as SignedKind<never>],
    ['attestation-id', ATTESTATION as SignedKind<never>],
  ];
  for (const [name, kind] of ids) {
    it(`gives the ${name} of the received bytes: the hash of the unsigned body`, () => {
      const { parts, encoding, hash } = vector(name);
      assert.deepEqual(encoding.subarray(0, parts[0]!.length), parts[0]);
      assert.equal(hex(decodeSigned(kind, encoding).id), hash);
    });
  }

  it('gives the commitment value H(tree ‖ author ‖ salt)', () => {
    const { parts, hash } = vector('commitment-value');
    const [tree, author, salt] = parts;
    assert.equal(hex(commitmentValue(tree!, author!, salt!)), hash);
  });

  for (const name of ['entry-genesis', 'entry-next']) {
    it(`gives ${name} the hash of its encoding, which re-encodes unchanged`, () => {
      const { parts, hash } = vector(name);
      assert.equal(hex(entryHashOfBytes(parts[0]!)), hash);
      assert.equal(hex(entryHash(decodeEntry(parts[0]!))), hash);
    });
  }

  for (const [name, index] of [
    ['seed-run-0', 0],
    ['seed-run-1', 1],
  ] as const) {
    it(`derives ${name} from the parent entry hash and the big-endian run index`, () => {
      const { parts, hash } = vector(name);
      assert.deepEqual(parts[1], Uint8Array.of(0, 0, 0, index));
      assert.equal(hex(deriveSeed(parts[0]!, index)), hash);
    });
  }
});
