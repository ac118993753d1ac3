/**
 * Trees (PROTOCOL.md, "Trees"): every path follows the path rules, no path is both a file
 * and a directory, the content adds up to at most LIMITS.treeContentBytes, and a tree is the
 * one its hash names. Also what counts as a changed path between two trees.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blobHash,
  changedPaths,
  decodeTree,
  encodeTree,
  firstImmutableChange,
  LIMITS,
  makeTree,
  type TreeFile,
  treeHash,
  utf8,
  validateTree,
} from '../src/index.ts';
import { makeFixture } from '../testing/index.ts';
import { assertError } from './helpers.ts';

const { tree: baseline } = await makeFixture();

const fileAt = (path: string, content = path, executable = false): TreeFile => ({
  path,
  blob: blobHash(utf8(content)),
  size: utf8(content).length,
  executable,
});

describe('validateTree', () => {
  it('accepts the baseline tree of the fixture, with and without its hash', () => {
    assert.equal(validateTree(baseline), undefined);
    assert.equal(validateTree(baseline, treeHash(baseline)), undefined);
  });

  it('rejects a tree that is not the one its hash names', () => {
    const other = makeTree([...baseline.files, fileAt('extra.txt')]);
    assertError(validateTree(other, treeHash(baseline)), 'tree_hash_mismatch', 'reject');
  });

  for (const path of ['../escape', 'a/../b', './a', 'a//b', '/abs', 'a/', 'tab\there', 'c:\\x']) {
    it(`rejects the path ${JSON.stringify(path)}`, () => {
      const bad = makeTree([fileAt('ok.txt'), fileAt(path)]);
      // Such a path encodes and decodes: refusing it is the validator's job.
      assert.deepEqual(decodeTree(encodeTree(bad)), bad);
      assertError(validateTree(bad), 'tree_invalid_path', 'reject');
    });
  }

  it('rejects a path one byte over the limit, and accepts one at the limit', () => {
    const atLimit = 'é'.repeat(LIMITS.pathBytes / 2);
    assert.equal(validateTree(makeTree([fileAt(atLimit)])), undefined);
    const over = makeTree([fileAt(`${atLimit}a`)]);
    assertError(validateTree(over), 'tree_invalid_path', 'reject');
  });

  it('rejects a path that is a file and also a directory of another file', () => {
    const conflict = makeTree([fileAt('data'), fileAt('data/train.txt')]);
    assertError(validateTree(conflict), 'tree_path_conflict', 'reject');
    const deep = makeTree([fileAt('a/b'), fileAt('a/b/c/d')]);
    assertError(validateTree(deep), 'tree_path_conflict', 'reject');
    // A shared prefix that is not a whole segment is no conflict.
    assert.equal(validateTree(makeTree([fileAt('data'), fileAt('data2/x')])), undefined);
  });

  it('rejects files that add up to more than the content limit, but not at it', () => {
    const sized = (path: string, size: number): TreeFile => ({ ...fileAt(path), size });
    const half = LIMITS.treeContentBytes / 2;
    assert.equal(validateTree(makeTree([sized('a', half), sized('b', half)])), undefined);
    const over = makeTree([sized('a', half), sized('b', half + 1)]);
    assertError(validateTree(over), 'tree_too_large', 'reject');
  });
});

describe('changedPaths', () => {
  const before = makeTree([fileAt('a'), fileAt('b'), fileAt('c')]);

  it('lists added, removed and modified files, sorted', () => {
    const after = makeTree([fileAt('a', 'new a'), fileAt('c'), fileAt('d')]);
    assert.deepEqual(changedPaths(before, after), ['a', 'b', 'd']);
  });

  it('counts a change of mode or size alone as a change', () => {
    const modeOnly = makeTree([fileAt('a', 'a', true), fileAt('b'), fileAt('c')]);
    assert.deepEqual(changedPaths(before, modeOnly), ['a']);
    const sizeOnly = makeTree([{ ...fileAt('a'), size: 99 }, fileAt('b'), fileAt('c')]);
    assert.deepEqual(changedPaths(before, sizeOnly), ['a']);
  });

  it('finds no change between a tree and itself', () => {
    assert.deepEqual(changedPaths(before, before), []);
  });

  it('names the first changed path outside the mutable patterns', () => {
    const after = makeTree([fileAt('a', 'x'), fileAt('b', 'x'), fileAt('c')]);
    assert.equal(firstImmutableChange(before, after, ['a', 'b']), undefined);
    assert.equal(firstImmutableChange(before, after, ['a']), 'b');
  });
});

describe('makeTree', () => {
  it('sorts files by the bytes of their paths, whatever order they come in', () => {
    const files = [fileAt('😀'), fileAt('ｚ'), fileAt('B'), fileAt('a')];
    const tree = makeTree(files);
    assert.deepEqual(
      tree.files.map((f) => f.path),
      ['B', 'a', 'ｚ', '😀'],
    );
    assert.deepEqual(treeHash(makeTree([...files].reverse())), treeHash(tree));
  });
});

describe('validateTree: one spelling per file on every file system', () => {
  it('rejects two paths that differ only in the case of ASCII letters', () => {
    const tree = makeTree([...baseline.files, fileAt('Train.py')]);
    assertError(validateTree(tree), 'tree_path_conflict', 'reject');
  });

  it('rejects a file whose name differs only in case from a directory', () => {
    assertError(
      validateTree(makeTree([fileAt('A'), fileAt('a/b')])),
      'tree_path_conflict',
      'reject',
    );
  });

  it('folds ASCII letters only, the same on every platform', () => {
    assert.equal(
      validateTree(makeTree([fileAt('\u00c9t\u00e9'), fileAt('\u00e9t\u00e9')])),
      undefined,
    );
  });

  it('rejects a path that is not in Unicode normalization form C', () => {
    const decomposed = 'cafe\u0301.txt';
    assertError(validateTree(makeTree([fileAt(decomposed)])), 'tree_invalid_path', 'reject');
    assert.equal(validateTree(makeTree([fileAt(decomposed.normalize('NFC'))])), undefined);
  });

  it('lists changed paths in the byte order of their UTF-8, like the encoding', () => {
    // U+1F600 sorts before U+FF21 in UTF-16 code units (a surrogate, 0xD83D) but after it
    // in UTF-8 bytes (F0 against EF).
    const after = makeTree([fileAt('\uff21'), fileAt('\u{1f600}')]);
    assert.deepEqual(
      changedPaths(makeTree([]), after),
      after.files.map((f) => f.path),
    );
  });
});
