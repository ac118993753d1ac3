/**
 * Reads a target directory (as in targets/): its manifest and its files, the baseline tree.
 * Every regular file is part of the tree except the manifest itself and what is never part
 * of a target's content: dot-files and dot-directories (.git), and Python's and Node's
 * caches. A symbolic link or a special file is refused rather than followed: a tree holds
 * plain files only.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  blobHash,
  type Hash,
  isValidPath,
  makeTree,
  type Tree,
  treeHash,
} from '@nightshift/protocol';
import { TargetDirError } from './errors.ts';
import { parseManifest, type TargetManifest } from './manifest.ts';

export const MANIFEST_FILE = 'target.json';
const SKIPPED = new Set(['__pycache__', 'node_modules']);

export interface TargetFile {
  path: string;
  bytes: Uint8Array;
  executable: boolean;
}

export interface TargetDir {
  manifest: TargetManifest;
  files: TargetFile[];
  tree: Tree;
  /** The baseline tree's hash. */
  treeHash: Hash;
}

export async function loadTargetDir(dir: string): Promise<TargetDir> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new TargetDirError('manifest_missing', `${dir} has no ${MANIFEST_FILE}`);
  }
  const manifest = parseManifest(text);
  const files = await readFiles(dir, '');
  const tree = makeTree(
    files.map((f) => ({
      path: f.path,
      blob: blobHash(f.bytes),
      size: f.bytes.length,
      executable: f.executable,
    })),
  );
  return { manifest, files, tree, treeHash: treeHash(tree) };
}

async function readFiles(root: string, prefix: string): Promise<TargetFile[]> {
  const out: TargetFile[] = [];
  const names = (await readdir(join(root, prefix))).sort();
  for (const name of names) {
    if (name.startsWith('.') || SKIPPED.has(name)) continue;
    const path = prefix === '' ? name : `${prefix}/${name}`;
    if (path === MANIFEST_FILE) continue;
    const stat = await lstat(join(root, path));
    if (stat.isDirectory()) {
      out.push(...(await readFiles(root, path)));
    } else if (stat.isFile() && isValidPath(path)) {
      const bytes = new Uint8Array(await readFile(join(root, path)));
      out.push({ path, bytes, executable: (stat.mode & 0o111) !== 0 });
    } else {
      const what = stat.isSymbolicLink() ? 'a symbolic link' : 'not a plain file with a valid path';
      throw new TargetDirError('file_invalid', `${path} is ${what}`);
    }
  }
  return out;
}
