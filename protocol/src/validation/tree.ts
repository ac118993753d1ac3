import { compareBytes, equalBytes, utf8 } from '../bytes.ts';
import { fail, type ProtocolError } from '../errors.ts';
import type { Hash } from '../hash.ts';
import { LIMITS } from '../limits.ts';
import { type Tree, type TreeFile, treeHash } from '../objects/tree.ts';
import { foldCase, isValidPath, matchesAny } from './paths.ts';

/** Checks a decoded tree (sorted, distinct paths are already guaranteed by decoding). */
export function validateTree(tree: Tree, expectedHash?: Hash): ProtocolError | undefined {
  // [REJECT] The tree is the one asked for.
  if (expectedHash && !equalBytes(treeHash(tree), expectedHash)) {
    return fail('tree_hash_mismatch');
  }
  // Paths with ASCII case folded: what a case-insensitive file system would see.
  const folded = new Set<string>();
  let total = 0;
  for (const file of tree.files) {
    // [REJECT] Every path follows the path rules.
    if (!isValidPath(file.path)) return fail('tree_invalid_path', JSON.stringify(file.path));
    // [REJECT] No two paths differ only in the case of ASCII letters.
    const path = foldCase(file.path);
    if (folded.has(path)) return fail('tree_path_conflict', `${file.path} differs only in case`);
    folded.add(path);
    total += file.size;
  }
  // [REJECT] No path is both a file and a directory (`a` and `a/b`, or `A` and `a/b`).
  for (const path of folded) {
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      if (folded.has(path.slice(0, i))) return fail('tree_path_conflict', path);
    }
  }
  // [REJECT] The files add up to at most LIMITS.treeContentBytes.
  if (total > LIMITS.treeContentBytes) return fail('tree_too_large', `${total} bytes`);
  return undefined;
}

/** Paths that differ between two trees: added, removed, or with other content or mode. */
export function changedPaths(before: Tree, after: Tree): string[] {
  const old = new Map<string, TreeFile>(before.files.map((f) => [f.path, f]));
  const changed: string[] = [];
  for (const file of after.files) {
    const prior = old.get(file.path);
    old.delete(file.path);
    if (
      !prior ||
      !equalBytes(prior.blob, file.blob) ||
      prior.size !== file.size ||
      prior.executable !== file.executable
    ) {
      changed.push(file.path);
    }
  }
  return [...changed, ...old.keys()].sort((a, b) => compareBytes(utf8(a), utf8(b)));
}

/** The first changed path that a candidate was not allowed to change, if any. */
export function firstImmutableChange(
  before: Tree,
  after: Tree,
  mutablePaths: readonly string[],
): string | undefined {
  return changedPaths(before, after).find((path) => !matchesAny(path, mutablePaths));
}
