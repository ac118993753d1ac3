import { compareBytes } from '../bytes.ts';
import type { Hash } from '../hash.ts';
import type { Direction } from '../objects/target.ts';
import { isBetter } from './improvement.ts';

/** What fork choice needs to know of a valid entry. */
export interface ForkEntry {
  hash: Hash;
  metric: number;
}

/**
 * Rule 4: of all valid entries of a target, the canonical head is the one with the best
 * verified metric; ties go to the lower entry hash. A total order, so the head depends only
 * on the set of entries, never on the order they arrived in.
 */
export function preferredEntry<T extends ForkEntry>(a: T, b: T, direction: Direction): T {
  if (isBetter(a.metric, b.metric, direction)) return a;
  if (isBetter(b.metric, a.metric, direction)) return b;
  return compareBytes(a.hash, b.hash) <= 0 ? a : b;
}

export function chooseHead<T extends ForkEntry>(
  entries: Iterable<T>,
  direction: Direction,
): T | undefined {
  let head: T | undefined;
  for (const e of entries) head = head ? preferredEntry(head, e, direction) : e;
  return head;
}
