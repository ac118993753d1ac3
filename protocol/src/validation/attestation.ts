import { equalBytes } from '../bytes.ts';
import { fail, type ProtocolError } from '../errors.ts';
import type { Hash } from '../hash.ts';
import { LIMITS } from '../limits.ts';
import { ATTESTATION, type Attestation } from '../objects/attestation.ts';
import type { Candidate } from '../objects/candidate.ts';
import type { LogEntry } from '../objects/entry.ts';
import { hasValidSignature } from '../objects/signed.ts';
import type { Target } from '../objects/target.ts';
import { beatsByMinDelta, median, withinTolerance } from '../rules/improvement.ts';
import { isListedVerifier } from '../rules/quorum.ts';
import { deriveSeed } from '../rules/seed.ts';
import { isBaseline } from './candidate.ts';

const REASON = /^[a-z][a-z0-9_]{0,63}$/;

export interface AttestationContext {
  target: Target | undefined;
  /** The candidate named by `attestation.candidate`, with its id, if known. */
  candidate: { value: Candidate; id: Hash } | undefined;
  /** The candidate's parent entry, if known (unused for a baseline). */
  parent: LogEntry | undefined;
  now: number;
  id?: Hash;
}

/** The seed base of a candidate's runs: its parent entry, or the target for a baseline. */
export function seedBase(candidate: Candidate): Hash {
  return isBaseline(candidate) ? candidate.target : candidate.parent;
}

export async function validateAttestation(
  a: Attestation,
  ctx: AttestationContext,
): Promise<ProtocolError | undefined> {
  const { target, candidate } = ctx;
  // [IGNORE] The target is known.
  if (!target) return fail('unknown_target');
  // [REJECT] The verifier is in the target's verifier set.
  if (!isListedVerifier(target, a.verifier)) return fail('verifier_not_listed');
  // [IGNORE] The attestation was not signed in the future.
  if (a.createdAt > ctx.now + LIMITS.maxClockSkewMs) return fail('from_future');
  const shape = checkVerdictShape(a, target);
  if (shape) return shape;
  // [IGNORE] The candidate is known.
  if (!candidate || !equalBytes(candidate.id, a.candidate)) return fail('unknown_candidate');
  const c = candidate.value;
  // [REJECT] It is about this candidate's target and tree, run with the derived seed.
  if (
    !equalBytes(c.target, a.target) ||
    !equalBytes(a.receipt.tree, c.tree) ||
    !equalBytes(a.receipt.seed, deriveSeed(seedBase(c), 0))
  ) {
    return fail('attestation_mismatch');
  }
  if (a.verdict === 'accept') {
    const metric = a.metric!;
    // [REJECT] An accepted measurement lies within tolerance of the claim ...
    if (!withinTolerance(metric, c.claim, target.tolerance)) {
      return fail('verdict_inconsistent', 'accepted outside tolerance');
    }
    // ... and beats the parent's verified metric by minDelta.
    if (!isBaseline(c)) {
      if (!ctx.parent) return fail('unknown_parent');
      const { minDelta, metric: spec } = target;
      if (!beatsByMinDelta(metric, ctx.parent.metric, minDelta, spec.direction)) {
        return fail('verdict_inconsistent', 'accepted without improvement');
      }
    }
  }
  // [REJECT] The verifier's signature is valid.
  if (!(await hasValidSignature(ATTESTATION, a, ctx.id))) return fail('bad_signature');
  return undefined;
}

function checkVerdictShape(a: Attestation, target: Target): ProtocolError | undefined {
  // [REJECT] The reason is a code: `ok` exactly when accepted.
  if (!REASON.test(a.reason)) return fail('invalid_text', 'reason');
  if ((a.verdict === 'accept') !== (a.reason === 'ok')) {
    return fail('verdict_inconsistent', 'reason');
  }
  // [REJECT] At most `target.runs` runs, and all of them when accepted; the metric is
  // present when accepted and is always the median of the runs.
  if (a.runs.length > target.runs) return fail('verdict_inconsistent', 'too many runs');
  if (a.verdict === 'accept' && a.runs.length !== target.runs) {
    return fail('verdict_inconsistent', 'accepted with missing runs');
  }
  const expected = a.runs.length > 0 ? median(a.runs) : undefined;
  if (a.metric !== expected) return fail('verdict_inconsistent', 'metric is not the median');
  return undefined;
}
