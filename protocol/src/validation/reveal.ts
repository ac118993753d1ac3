import { equalBytes } from '../bytes.ts';
import { fail, type ProtocolError } from '../errors.ts';
import type { Hash } from '../hash.ts';
import type { Candidate } from '../objects/candidate.ts';
import { type Commitment, commitmentValue } from '../objects/commitment.ts';
import type { Target } from '../objects/target.ts';

/** The value of the commitment a candidate reveals: H(tree ‖ author ‖ salt). */
export function revealedValue(candidate: Candidate): Hash {
  return commitmentValue(candidate.tree, candidate.author, candidate.salt);
}

export interface RevealContext {
  target: Target;
  /** The author's commitment with this candidate's value, and when this node received it. */
  commitment: { value: Commitment; receivedAt: number } | undefined;
  /** When this node received the candidate. */
  receivedAt: number;
}

/**
 * Commit-reveal: a candidate is only worth verifying once its author's commitment has had
 * `revealDelayMs` to spread, so that a peer who copies the revealed tree can only commit
 * later than the original author. Both times are this node's own receipt times.
 */
export function validateReveal(
  candidate: Candidate,
  ctx: RevealContext,
): ProtocolError | undefined {
  const commitment = ctx.commitment?.value;
  // [IGNORE] The author's commitment to this tree, target and salt is known.
  if (
    !commitment ||
    !equalBytes(commitment.author, candidate.author) ||
    !equalBytes(commitment.target, candidate.target) ||
    !equalBytes(commitment.value, revealedValue(candidate))
  ) {
    return fail('unknown_commitment');
  }
  // [IGNORE] The commitment arrived at least revealDelayMs before the candidate.
  const waited = ctx.receivedAt - ctx.commitment!.receivedAt;
  if (waited < ctx.target.revealDelayMs) {
    return fail('reveal_too_early', `${waited} ms < ${ctx.target.revealDelayMs} ms`);
  }
  return undefined;
}
