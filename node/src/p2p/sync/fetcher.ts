/**
 * Fetching content-addressed objects from whichever peer has them: targets (with their
 * baseline tree and blobs), trees and blobs. Peers are tried in order; one that lacks an
 * object or fails is skipped for it, and one whose bytes are wrong is penalised. Nothing is
 * stored before it is checked: a tree must hash to its name and pass validateTree, a target
 * must pass validateTarget and validateTargetFiles, and a blob is hash-checked by the store
 * as it is written (and may not grow past its size in the tree).
 */
import type { PeerId } from '@libp2p/interface';
import {
  decodeSigned,
  decodeTree,
  equalBytes,
  type Hash,
  hashHex,
  isProtocolError,
  REQUEST_LIMITS,
  TAG,
  TARGET,
  type Target,
  type Tree,
  type TreeFile,
  taggedHash,
  validateTarget,
  validateTargetFiles,
  validateTree,
} from '@nightshift/protocol';
import { isStoreError, type Store } from '@nightshift/store';
import { isReqRespError, type ReqResp } from '../reqresp/index.ts';
import { downloadBlob } from './blob-download.ts';
import { SyncError } from './errors.ts';

export interface FetcherContext {
  store: Pick<Store, 'targets' | 'trees' | 'blobs'>;
  reqResp: Pick<ReqResp, 'fetchObjects' | 'fetchBlobs'>;
  now: () => number;
  signal: AbortSignal;
  /** Reports a peer's fault (the caller penalises it). */
  onFault: (peer: PeerId, error: unknown) => void;
  blobSegmentBytes: number;
  blobParallelRanges: number;
  blobBatchBytes: number;
  rateLimitRetries: number;
}

export class Fetcher {
  constructor(private readonly ctx: FetcherContext) {}

  /** Fetches, checks and stores a target with its baseline tree and blobs; returns it. */
  async target(id: Hash, peers: PeerId[]): Promise<Target> {
    const stored = await this.ctx.store.targets.get(id);
    if (stored) return stored;
    for (const peer of peers) {
      const target = await this.attempt(peer, async () => {
        const [bytes] = await this.ctx.reqResp.fetchObjects(peer, 'target', [id], this.options());
        if (!bytes) return undefined;
        return { bytes, target: await this.checkTarget(id, bytes) };
      });
      if (!target) continue;
      const tree = await this.trees([target.target.baseline], peers);
      const baseline = tree.get(hashHex(target.target.baseline));
      if (!baseline) throw new SyncError('not_found_anywhere', 'the baseline tree of a target');
      const filesError = validateTargetFiles(target.target, baseline);
      if (filesError) {
        this.ctx.onFault(
          peer,
          new SyncError('invalid_target', filesError.message, filesError.code),
        );
        continue;
      }
      const missing = await this.blobs(baseline.files, peers);
      if (missing > 0) {
        throw new SyncError('not_found_anywhere', `${missing} files of a target's baseline`);
      }
      // Stored last: a stored target has its baseline.
      await this.ctx.store.targets.putBytes(target.bytes);
      return target.target;
    }
    throw new SyncError('not_found_anywhere', `target ${hashHex(id)}`);
  }

  /** Fetches the trees not stored yet; returns every tree asked for that is now stored. */
  async trees(hashes: Hash[], peers: PeerId[]): Promise<Map<string, Tree>> {
    const found = new Map<string, Tree>();
    let missing: Hash[] = [];
    for (const hash of unique(hashes)) {
      const tree = await this.ctx.store.trees.get(hash);
      if (tree) found.set(hashHex(hash), tree);
      else missing.push(hash);
    }
    for (const peer of peers) {
      if (missing.length === 0) break;
      const stillMissing: Hash[] = [];
      for (let i = 0; i < missing.length; i += REQUEST_LIMITS.maxFetchHashes) {
        const group = missing.slice(i, i + REQUEST_LIMITS.maxFetchHashes);
        const got = await this.attempt(peer, async () => {
          const all = await this.ctx.reqResp.fetchObjects(peer, 'tree', group, this.options());
          return all.map((bytes, j) => bytes && this.checkTree(group[j]!, bytes));
        });
        for (const [j, hash] of group.entries()) {
          const tree = got?.[j];
          if (!tree) {
            stillMissing.push(hash);
            continue;
          }
          await this.ctx.store.trees.put(tree);
          found.set(hashHex(hash), tree);
        }
        // A peer that failed is not asked for the rest.
        if (!got) {
          stillMissing.push(...missing.slice(i + REQUEST_LIMITS.maxFetchHashes));
          break;
        }
      }
      missing = stillMissing;
    }
    return found;
  }

  /** Fetches the blobs of these files that are not stored yet; returns how many still miss. */
  async blobs(files: TreeFile[], peers: PeerId[]): Promise<number> {
    let missing: TreeFile[] = [];
    const seen = new Set<string>();
    for (const file of files) {
      const key = hashHex(file.blob);
      if (seen.has(key)) continue;
      seen.add(key);
      if (!(await this.ctx.store.blobs.has(file.blob))) missing.push(file);
    }
    for (const peer of peers) {
      if (missing.length === 0) break;
      const stillMissing: TreeFile[] = [];
      const groups = [...this.blobGroups(missing)];
      for (const [i, group] of groups.entries()) {
        const ok = await this.attempt(peer, () => this.fetchGroup(peer, group, stillMissing));
        // A peer that failed is not asked for the rest; what it did write is kept.
        if (!ok) {
          stillMissing.push(...groups.slice(i).flat());
          break;
        }
      }
      missing = await this.notStored(stillMissing);
    }
    return missing.length;
  }

  private async notStored(files: TreeFile[]): Promise<TreeFile[]> {
    const out = new Map<string, TreeFile>();
    for (const file of files) {
      const key = hashHex(file.blob);
      if (!out.has(key) && !(await this.ctx.store.blobs.has(file.blob))) out.set(key, file);
    }
    return [...out.values()];
  }

  /** Small blobs together (up to the batch's bytes); a large one alone. */
  private *blobGroups(files: TreeFile[]): Iterable<TreeFile[]> {
    let group: TreeFile[] = [];
    let bytes = 0;
    for (const file of files) {
      if (file.size > this.ctx.blobBatchBytes) {
        yield [file];
        continue;
      }
      if (
        group.length === REQUEST_LIMITS.maxFetchHashes ||
        (group.length > 0 && bytes + file.size > this.ctx.blobBatchBytes)
      ) {
        yield group;
        group = [];
        bytes = 0;
      }
      group.push(file);
      bytes += file.size;
    }
    if (group.length > 0) yield group;
  }

  /** Fetches one group from one peer; blobs the peer lacks go to `missing`. */
  private async fetchGroup(peer: PeerId, group: TreeFile[], missing: TreeFile[]): Promise<true> {
    const [only] = group;
    const ranged = this.ctx.blobParallelRanges > 1 && only && only.size > this.ctx.blobSegmentBytes;
    if (group.length === 1 && only && ranged) {
      const pieces = downloadBlob(this.ctx.reqResp, peer, only, {
        segmentBytes: this.ctx.blobSegmentBytes,
        parallel: this.ctx.blobParallelRanges,
        signal: this.ctx.signal,
      });
      await this.write(only, pieces);
      return true;
    }
    const items = this.ctx.reqResp.fetchBlobs(
      peer,
      group.map((f) => f.blob),
      this.options(),
    );
    let i = 0;
    for await (const item of items) {
      const file = group[i++]!;
      if (item.pieces) await this.write(file, item.pieces);
      else missing.push(file);
    }
    return true;
  }

  private async write(file: TreeFile, pieces: AsyncIterable<Uint8Array>): Promise<void> {
    try {
      await this.ctx.store.blobs.write(file.blob, limitSize(pieces, file));
    } catch (err) {
      if (!isStoreError(err, 'hash_mismatch')) throw err;
      throw new SyncError('hash_mismatch', `blob ${hashHex(file.blob)}`);
    }
  }

  private async checkTarget(id: Hash, bytes: Uint8Array): Promise<Target> {
    const { value, id: actual } = decodeObject(() => decodeSigned(TARGET, bytes));
    if (!equalBytes(actual, id)) throw new SyncError('hash_mismatch', `target ${hashHex(id)}`);
    const error = await validateTarget(value, { now: this.ctx.now(), id });
    if (error) throw new SyncError('invalid_target', error.message, error.code);
    return value;
  }

  private checkTree(hash: Hash, bytes: Uint8Array): Tree {
    if (!equalBytes(taggedHash(TAG.tree, bytes), hash)) {
      throw new SyncError('hash_mismatch', `tree ${hashHex(hash)}`);
    }
    const tree = decodeObject(() => decodeTree(bytes));
    const error = validateTree(tree, hash);
    if (error) throw new SyncError('invalid_tree', error.message, error.code);
    return tree;
  }

  /**
   * Runs one request against one peer: its result, or undefined when the peer failed (a
   * fault is reported; a peer that rate-limits us is waited for and asked again).
   */
  private async attempt<T>(peer: PeerId, request: () => Promise<T>): Promise<T | undefined> {
    for (let tries = 0; ; tries++) {
      this.ctx.signal.throwIfAborted();
      try {
        return await request();
      } catch (err) {
        if (this.ctx.signal.aborted) throw err;
        if (isReqRespError(err, 'rate_limited') && tries < this.ctx.rateLimitRetries) {
          await sleep(1000, this.ctx.signal);
          continue;
        }
        if (!isReqRespError(err) && !(err instanceof SyncError)) throw err;
        this.ctx.onFault(peer, err);
        return undefined;
      }
    }
  }

  private options() {
    return { signal: this.ctx.signal };
  }
}

function decodeObject<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (!isProtocolError(err)) throw err;
    throw new SyncError('undecodable', err.message, err.code);
  }
}

/** Passes pieces on until they add up to more than the file's size: then the blob is not it. */
async function* limitSize(pieces: AsyncIterable<Uint8Array>, file: TreeFile) {
  let size = 0;
  for await (const piece of pieces) {
    size += piece.length;
    if (size > file.size) throw new SyncError('hash_mismatch', `blob larger than ${file.size}`);
    yield piece;
  }
}

function unique(hashes: Hash[]): Hash[] {
  const seen = new Map<string, Hash>();
  for (const hash of hashes) seen.set(hashHex(hash), hash);
  return [...seen.values()];
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
