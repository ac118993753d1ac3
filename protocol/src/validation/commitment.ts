import { fail, type ProtocolError } from '../errors.ts';
import type { Hash } from '../hash.ts';
import { LIMITS } from '../limits.ts';
import { COMMITMENT, type Commitment } from '../objects/commitment.ts';
import { hasValidSignature } from '../objects/signed.ts';
import type { Target } from '../objects/target.ts';

export interface CommitmentContext {
  /** The target named by `commitment.target`, if this node knows it. */
  target: Target | undefined;
  now: number;
  id?: Hash;
}

export async function validateCommitment(
  commitment: Commitment,
  ctx: CommitmentContext,
): Promise<ProtocolError | undefined> {
  // [IGNORE] The target is known.
  if (!ctx.target) return fail('unknown_target');
  // [IGNORE] The commitment was not signed in the future.
  if (commitment.createdAt > ctx.now + LIMITS.maxClockSkewMs) return fail('from_future');
  // [REJECT] The author's signature is valid.
  if (!(await hasValidSignature(COMMITMENT, commitment, ctx.id))) return fail('bad_signature');
  return undefined;
}
