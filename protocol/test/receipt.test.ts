/** The receipt's harness and data hashes: which files of a tree each one covers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  harnessHash,
  harnessTree,
  heldOutHash,
  heldOutTree,
  makeTree,
  treeHash,
} from '../src/index.ts';
import { filesToTree, makeFixture } from '../testing/index.ts';

const fixture = await makeFixture();
const { target, tree } = fixture;
const paths = (t: { files: { path: string }[] }) => t.files.map((f) => f.path);

describe('receipt hashes', () => {
  it('cover the fixed harness without mutable or held-out files, and the held-out files alone', () => {
    assert.deepEqual(paths(harnessTree(tree, target)), [
      'data/train.txt',
      'program.md',
      'score.py',
    ]);
    assert.deepEqual(paths(heldOutTree(tree, target)), ['data/heldout.txt']);
    assert.deepEqual(harnessHash(tree, target), treeHash(harnessTree(tree, target)));
  });

  it('do not change when a candidate changes a mutable file, and do when the harness changes', () => {
    const edited = filesToTree({ 'train.py': 'LAYERS = 9\n' }, fixture.blobs).files[0]!;
    const candidate = makeTree([...tree.files.filter((f) => f.path !== 'train.py'), edited]);
    assert.deepEqual(harnessHash(candidate, target), harnessHash(tree, target));
    assert.deepEqual(heldOutHash(candidate, target), heldOutHash(tree, target));
    const score = filesToTree({ 'score.py': 'print("bpc", 0.1)\n' }, fixture.blobs).files[0]!;
    const cheat = makeTree([...tree.files.filter((f) => f.path !== 'score.py'), score]);
    assert.notDeepEqual(harnessHash(cheat, target), harnessHash(tree, target));
  });
});
