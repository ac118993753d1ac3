// What an entry changed: its tree against its parent's (entry 0 against nothing, so every
// baseline file is added), file by file, with a unified diff of each small text file.
import { type Hash, hashHex, type Tree, type TreeFile } from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { unifiedDiff } from './line-diff.ts';

export type DiffStore = Pick<Store, 'entries' | 'trees' | 'blobs'>;

export type FileStatus = 'added' | 'removed' | 'changed';

/** Why a changed file has no text diff. */
export type NoDiffReason = 'binary' | 'too_large' | 'blob_missing' | 'mode_only';

export interface FileChange {
  path: string;
  status: FileStatus;
  /** The file in the parent's tree (absent when added). */
  old?: { blob: string; size: number; executable: boolean };
  /** The file in the entry's tree (absent when removed). */
  new?: { blob: string; size: number; executable: boolean };
  /** The unified diff (`--- a/path`, `+++ b/path`, hunks) of a small text file. */
  diff?: string;
  /** Set instead of `diff` when there is none to show. */
  noDiff?: NoDiffReason;
}

export interface EntryDiff {
  entry: string;
  /** The parent entry; null for entry 0. */
  parent: string | null;
  tree: string;
  /** The parent's tree; null for entry 0. */
  parentTree: string | null;
  /** Trees this node has not stored (not fetched yet): `files` is then empty. */
  missingTrees: string[];
  /** Every file that differs, by path. */
  files: FileChange[];
}

export interface TreeDiffOptions {
  /** Text diffs only for files up to this many bytes on each side (64 KiB). */
  maxDiffBytes?: number;
  /** Context lines around each change (3). */
  context?: number;
}

export const DEFAULT_MAX_DIFF_BYTES = 64 * 1024;

/** The diff of a stored entry against its parent; undefined when the entry is not stored. */
export async function entryDiff(
  store: DiffStore,
  entryHash: Hash,
  options: TreeDiffOptions = {},
): Promise<EntryDiff | undefined> {
  const entry = await store.entries.get(entryHash);
  if (!entry) return undefined;
  const parent = entry.height > 0 ? await store.entries.get(entry.prev) : undefined;
  const treeHash = entry.candidate.tree;
  const parentTreeHash = parent?.candidate.tree;
  const tree = await store.trees.get(treeHash);
  const parentTree = parentTreeHash ? await store.trees.get(parentTreeHash) : { files: [] };
  const missingTrees = [
    ...(tree ? [] : [hashHex(treeHash)]),
    ...(parentTree || !parentTreeHash ? [] : [hashHex(parentTreeHash)]),
  ];
  const complete = tree !== undefined && parentTree !== undefined && missingTrees.length === 0;
  return {
    entry: hashHex(entryHash),
    parent: entry.height === 0 ? null : hashHex(entry.prev),
    tree: hashHex(treeHash),
    parentTree: parentTreeHash ? hashHex(parentTreeHash) : null,
    missingTrees,
    files: complete ? await treeDiff(store, parentTree, tree, options) : [],
  };
}

/** Every file that differs between two trees, by path, with text diffs where they fit. */
export async function treeDiff(
  store: Pick<Store, 'blobs'>,
  before: Tree,
  after: Tree,
  options: TreeDiffOptions = {},
): Promise<FileChange[]> {
  const old = new Map(before.files.map((f) => [f.path, f]));
  const now = new Map(after.files.map((f) => [f.path, f]));
  const paths = [...new Set([...old.keys(), ...now.keys()])].sort();
  const changes: FileChange[] = [];
  for (const path of paths) {
    const a = old.get(path);
    const b = now.get(path);
    if (a && b && hashHex(a.blob) === hashHex(b.blob) && a.executable === b.executable) continue;
    const change: FileChange = {
      path,
      status: !a ? 'added' : !b ? 'removed' : 'changed',
      ...(a && { old: fileView(a) }),
      ...(b && { new: fileView(b) }),
    };
    Object.assign(change, await textDiff(store, path, a, b, options));
    changes.push(change);
  }
  return changes;
}

function fileView(file: TreeFile) {
  return { blob: hashHex(file.blob), size: file.size, executable: file.executable };
}

async function textDiff(
  store: Pick<Store, 'blobs'>,
  path: string,
  a: TreeFile | undefined,
  b: TreeFile | undefined,
  options: TreeDiffOptions,
): Promise<Pick<FileChange, 'diff' | 'noDiff'>> {
  if (a && b && hashHex(a.blob) === hashHex(b.blob)) return { noDiff: 'mode_only' };
  const max = options.maxDiffBytes ?? DEFAULT_MAX_DIFF_BYTES;
  if ((a?.size ?? 0) > max || (b?.size ?? 0) > max) return { noDiff: 'too_large' };
  const oldBytes = a ? await store.blobs.get(a.blob) : new Uint8Array(0);
  const newBytes = b ? await store.blobs.get(b.blob) : new Uint8Array(0);
  if (!oldBytes || !newBytes) return { noDiff: 'blob_missing' };
  const oldText = asText(oldBytes);
  const newText = asText(newBytes);
  if (oldText === undefined || newText === undefined) return { noDiff: 'binary' };
  const diff = unifiedDiff(oldText, newText, {
    oldName: a ? `a/${path}` : '/dev/null',
    newName: b ? `b/${path}` : '/dev/null',
    ...(options.context !== undefined && { context: options.context }),
  });
  return { diff };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as text when they are UTF-8 without NUL bytes (what git also calls text). */
export function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
