import { compareBytes, equalBytes } from '../bytes.ts';
import type { Hash } from '../hash.ts';
import { type Commitment, commitmentValue } from '../objects/commitment.ts';

/** A commitment with the salt that opens it and when this node first saw it. */
export interface Opening {
  commitment: Commitment;
  /** The commitment's id. */
  id: Hash;
  salt: Uint8Array;
  /** Local time of first receipt, in ms: supplied by the caller, never by the author. */
  receivedAt: number;
}

/** True when `commitment` commits to `tree` under `salt`, for the given target. */
export function opensTo(commitment: Commitment, target: Hash, tree: Hash, salt: Uint8Array) {
  return (
    equalBytes(commitment.target, target) &&
    equalBytes(commitment.value, commitmentValue(tree, commitment.author, salt))
  );
}

/**
 * The credit rule: of the commitments that open to a tree, the one received first gets the
 * credit; ties go to the earlier stated time, then the lower id. Author-stated times alone
 * could be backdated, which is why local receipt time comes first.
 */
export function creditedOpening(
  target: Hash,
  tree: Hash,
  openings: readonly Opening[],
): Opening | undefined {
  let best: Opening | undefined;
  for (const o of openings) {
    if (!opensTo(o.commitment, target, tree, o.salt)) continue;
    if (!best || earlier(o, best)) best = o;
  }
  return best;
}

function earlier(a: Opening, b: Opening): boolean {
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt;
  if (a.commitment.createdAt !== b.commitment.createdAt) {
    return a.commitment.createdAt < b.commitment.createdAt;
  }
  return compareBytes(a.id, b.id) < 0;
}
