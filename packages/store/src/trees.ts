/** Trees: file sets by tree hash, in their canonical encoding. */
import {
  decodeTree,
  encodeTree,
  type Hash,
  TAG,
  type Tree,
  taggedHash,
} from '@nightshift/protocol';
import type { Database, Sublevel } from './database.ts';

export class TreeRepository {
  private readonly trees: Sublevel;

  constructor(database: Database) {
    this.trees = database.sub.tree;
  }

  /** Stores a tree; returns its hash. Storing it again changes nothing. */
  put(tree: Tree): Promise<Hash> {
    return this.putBytes(encodeTree(tree));
  }

  /** Stores canonical tree bytes (refused with a ProtocolError unless they decode). */
  async putBytes(bytes: Uint8Array): Promise<Hash> {
    decodeTree(bytes);
    const hash = taggedHash(TAG.tree, bytes);
    await this.trees.put(hash, bytes);
    return hash;
  }

  async get(hash: Hash): Promise<Tree | undefined> {
    const bytes = await this.trees.get(hash);
    return bytes && decodeTree(bytes);
  }

  getBytes(hash: Hash): Promise<Uint8Array | undefined> {
    return this.trees.get(hash);
  }

  has(hash: Hash): Promise<boolean> {
    return this.trees.has(hash);
  }
}
