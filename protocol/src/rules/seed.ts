import { type Hash, taggedHash } from '../hash.ts';
import { TAG } from '../tags.ts';

/**
 * Run seeds come from the parent entry (the target id for a baseline), never from the
 * worker: seed(i) = H(seed tag, parent ‖ u32be(i)). `seedNumber` gives a 32-bit form for
 * programs that want an integer.
 */
export function deriveSeed(parent: Hash, runIndex: number): Hash {
  if (!Number.isInteger(runIndex) || runIndex < 0 || runIndex > 0xffffffff) {
    throw new RangeError('run index must be a u32');
  }
  const index = new Uint8Array(4);
  new DataView(index.buffer).setUint32(0, runIndex, false);
  return taggedHash(TAG.seed, parent, index);
}

export function seedNumber(seed: Hash): number {
  return new DataView(seed.buffer, seed.byteOffset, 4).getUint32(0, false);
}
