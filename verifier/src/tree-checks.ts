/**
 * The prechecks that need trees: the candidate's and its parent's (the tree of the parent
 * entry's candidate). Either may not be stored yet; the result then names the missing tree
 * (`tree_missing`) so the caller fetches it and checks again.
 */
import {
  type Candidate,
  changedPaths,
  type Hash,
  hashHex,
  type LogEntry,
  type Target,
  type Tree,
  validateCandidateTree,
} from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { type Failure, failure, fromProtocolError } from './reasons.ts';

/** A failure; for `tree_missing`, with the tree to fetch. */
export type TreeFailure = Failure & { tree?: Hash };

export async function checkTrees(
  store: Store,
  candidate: Candidate,
  target: Target,
  parent: LogEntry,
  maxNewBytes: number,
): Promise<TreeFailure | undefined> {
  const parentTree = await store.trees.get(parent.candidate.tree);
  if (!parentTree) return missing(parent.candidate.tree, "the parent's tree");
  const tree = await store.trees.get(candidate.tree);
  if (!tree) return missing(candidate.tree, "the candidate's tree");
  // [REJECT] A valid tree that changes only mutable paths of its parent's (§6.4).
  const error = validateCandidateTree(candidate, target, parentTree, tree);
  if (error) return fromProtocolError(error);
  const bytes = newBytes(parentTree, tree);
  if (bytes > maxNewBytes) {
    return failure(
      'too_large',
      `${bytes} bytes added or changed, this verifier takes ${maxNewBytes}`,
    );
  }
  return undefined;
}

function missing(tree: Hash, which: string): TreeFailure {
  return { ...failure('tree_missing', `${which} ${hashHex(tree)} is not stored`), tree };
}

/** The bytes of the files that are new or changed: what must be fetched, and is untrusted. */
function newBytes(parentTree: Tree, tree: Tree): number {
  const changed = new Set(changedPaths(parentTree, tree));
  let total = 0;
  for (const file of tree.files) if (changed.has(file.path)) total += file.size;
  return total;
}
