/**
 * The canonical chain of a target is the walk back from its head to entry 0, kept by height
 * under `chain`. When a new entry becomes the head, only the part above the fork point
 * changes: walk back from the new head until an entry that is already canonical at its
 * height, rewrite the keys on the way, and delete the keys above the new head's height that
 * the old, longer chain left behind. Planned here, written by the caller in the same batch
 * as the entry and the head.
 */
import { equalBytes, type Hash } from '@nightshift/protocol';

export interface ChainRewrite {
  /** Canonical keys to set, from the new head down to just above the fork point. */
  put: { height: number; hash: Hash }[];
  /** Heights whose canonical keys go: above the new head, up to the old head. */
  delete: number[];
  /** Height of the highest entry the old and new chains share; -1 when none. */
  forkHeight: number;
}

export interface ChainReader {
  /** The canonical hash at a height, as stored before this change. */
  chainAt(height: number): Promise<Hash | undefined>;
  /** The parent hash (`prev`) of a stored entry. */
  prevOf(hash: Hash): Promise<Hash>;
}

export async function planChainRewrite(
  newHead: { hash: Hash; height: number; prev: Hash },
  oldHeight: number,
  read: ChainReader,
): Promise<ChainRewrite> {
  const put = [{ height: newHead.height, hash: newHead.hash }];
  let height = newHead.height - 1;
  let hash = newHead.prev;
  for (; height >= 0; height--) {
    const canonical = await read.chainAt(height);
    if (canonical && equalBytes(canonical, hash)) break;
    put.push({ height, hash });
    if (height > 0) hash = await read.prevOf(hash);
  }
  const deleted: number[] = [];
  for (let h = newHead.height + 1; h <= oldHeight; h++) deleted.push(h);
  return { put, delete: deleted, forkHeight: height };
}
