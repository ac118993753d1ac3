/**
 * A worker's view of trees: the mutable files it hands a searcher, and the new tree that a
 * proposal makes, stored (blobs, then the tree) so that it can be run, and served to the
 * verifiers that fetch it.
 */
import {
  blobHash,
  type Hash,
  makeTree,
  matchesAny,
  type Target,
  type Tree,
  treeHash,
} from '@nightshift/protocol';
import type { Store } from '@nightshift/store';

export type TreeStore = Pick<Store, 'trees' | 'blobs'>;

/** path -> bytes of every file of `tree` under the target's mutable paths. */
export async function mutableFiles(
  store: TreeStore,
  target: Target,
  tree: Tree,
): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const file of tree.files) {
    if (!matchesAny(file.path, target.mutablePaths)) continue;
    const bytes = await store.blobs.get(file.blob);
    if (!bytes) throw new Error(`blob of ${file.path} is not stored`);
    files.set(file.path, bytes);
  }
  return files;
}

/** `tree` with `changes` written over it (new paths added), stored; returns it and its hash. */
export async function storeChangedTree(
  store: TreeStore,
  tree: Tree,
  changes: ReadonlyMap<string, Uint8Array>,
): Promise<{ tree: Tree; hash: Hash }> {
  const files = new Map(tree.files.map((f) => [f.path, f]));
  for (const [path, bytes] of changes) {
    await store.blobs.put(bytes);
    const executable = files.get(path)?.executable ?? false;
    files.set(path, { path, blob: blobHash(bytes), size: bytes.length, executable });
  }
  const next = makeTree([...files.values()]);
  await store.trees.put(next);
  return { tree: next, hash: treeHash(next) };
}
