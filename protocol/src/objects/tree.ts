import { compareBytes, utf8 } from '../bytes.ts';
import { decodeObject, defineObject, encodeObject } from '../codec/schema.ts';
import { type Hash, taggedHash } from '../hash.ts';
import { LIMITS } from '../limits.ts';
import { KIND, TAG, VERSION } from '../tags.ts';
import { HASH, text, UINT } from './fields.ts';

/** One file of a tree. Paths are relative, `/`-separated (rules in validation/tree.ts). */
export interface TreeFile {
  path: string;
  /** H(blob tag, file bytes). */
  blob: Hash;
  size: number;
  executable: boolean;
}

/** A content-addressed file set, sorted by path. */
export interface Tree {
  files: TreeFile[];
}

export const treeCodec = defineObject<Tree>({
  kind: KIND.tree,
  version: VERSION,
  name: 'tree',
  maxSize: LIMITS.treeBytes,
  fields: [
    {
      no: 1,
      name: 'files',
      type: {
        type: 'list',
        max: LIMITS.treeFiles,
        sortKey: (file: TreeFile) => utf8(file.path),
        of: {
          type: 'struct',
          fields: [
            { no: 1, name: 'path', type: text(LIMITS.pathBytes) },
            { no: 2, name: 'blob', type: HASH },
            { no: 3, name: 'size', type: UINT },
            { no: 4, name: 'executable', type: { type: 'bool' } },
          ],
        },
      },
    },
  ],
});

export const encodeTree = (tree: Tree): Uint8Array => encodeObject(treeCodec, tree);
export const decodeTree = (bytes: Uint8Array): Tree => decodeObject(treeCodec, bytes);
export const treeHash = (tree: Tree): Hash => taggedHash(TAG.tree, encodeTree(tree));
export const blobHash = (content: Uint8Array): Hash => taggedHash(TAG.blob, content);

/** Builds a tree from files in any order (the encoding needs them sorted by path bytes). */
export function makeTree(files: TreeFile[]): Tree {
  return { files: [...files].sort((a, b) => compareBytes(utf8(a.path), utf8(b.path))) };
}
