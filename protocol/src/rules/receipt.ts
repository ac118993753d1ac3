import type { Hash } from '../hash.ts';
import type { Target } from '../objects/target.ts';
import { type Tree, treeHash } from '../objects/tree.ts';
import { matchesAny } from '../validation/paths.ts';

/**
 * What an attestation's receipt names besides the candidate's tree: `harness` is the tree
 * hash of the files a candidate may not change and that every phase may read (neither
 * mutable nor held out), and `data` the tree hash of the held-out files. Two receipts with
 * the same harness and data hashes ran the same fixed code on the same held-out data.
 */
export function harnessTree(tree: Tree, target: Target): Tree {
  return {
    files: tree.files.filter(
      (f) => !matchesAny(f.path, target.mutablePaths) && !matchesAny(f.path, target.heldOutPaths),
    ),
  };
}

export function heldOutTree(tree: Tree, target: Target): Tree {
  return { files: tree.files.filter((f) => matchesAny(f.path, target.heldOutPaths)) };
}

export const harnessHash = (tree: Tree, target: Target): Hash =>
  treeHash(harnessTree(tree, target));

export const heldOutHash = (tree: Tree, target: Target): Hash =>
  treeHash(heldOutTree(tree, target));
