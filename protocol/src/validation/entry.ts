import { equalBytes, toHex } from '../bytes.ts';
import { fail, type ProtocolError } from '../errors.ts';
import { ZERO_HASH } from '../hash.ts';
import { CANDIDATE } from '../objects/candidate.ts';
import { COMMITMENT } from '../objects/commitment.ts';
import type { LogEntry } from '../objects/entry.ts';
import { hasValidSignature, idOf } from '../objects/signed.ts';
import type { Target } from '../objects/target.ts';
import { opensTo } from '../rules/credit.ts';
import { beatsByMinDelta, median, withinTolerance } from '../rules/improvement.ts';
import { validateAttestation } from './attestation.ts';
import { validateCandidate } from './candidate.ts';

export interface EntryContext {
  /** The target named by `entry.target`, if known. */
  target: Target | undefined;
  /** The entry named by `entry.prev`, if known (unused at height 0). */
  parent: LogEntry | undefined;
  /** Local time in ms; Infinity skips the future-time checks. */
  now: number;
}

/**
 * A log entry is valid when it extends its parent by one, its candidate is valid, its
 * credit opens to the candidate's tree, and a quorum of listed verifiers accepted it with
 * measurements whose median beats the parent by minDelta within tolerance of the claim.
 * Cheap checks first; signatures last.
 */
export async function validateEntry(
  entry: LogEntry,
  ctx: EntryContext,
): Promise<ProtocolError | undefined> {
  const { target, parent } = ctx;
  const { candidate, credit, attestations } = entry;
  // [IGNORE] The target is known.
  if (!target) return fail('unknown_target');
  const isGenesis = equalBytes(entry.prev, ZERO_HASH);
  if (isGenesis) {
    // [REJECT] Only entry 0 has no parent.
    if (entry.height !== 0) return fail('bad_height', 'no parent above height 0');
  } else {
    // [REJECT] Entry 0 has no parent.
    if (entry.height === 0) return fail('bad_height', 'entry 0 names a parent');
    // [IGNORE] The parent entry is known.
    if (!parent) return fail('unknown_parent');
    // [REJECT] The parent is of the same target, one below.
    if (!equalBytes(parent.target, entry.target)) return fail('wrong_target');
    if (entry.height !== parent.height + 1) return fail('bad_height');
  }
  // [REJECT] The candidate is of this target and builds on this entry's parent.
  if (!equalBytes(candidate.target, entry.target) || !equalBytes(candidate.parent, entry.prev)) {
    return fail('candidate_mismatch');
  }
  // [REJECT] At least `quorum` attestations, one per verifier. Decoding enforces the order,
  // but an entry assembled in memory has not been decoded: a repeated verifier would count
  // twice towards the quorum and the median.
  const verifiers = new Set(attestations.map((a) => toHex(a.verifier)));
  if (verifiers.size !== attestations.length) {
    return fail('quorum_not_met', 'a verifier attests more than once');
  }
  if (attestations.length < Math.max(1, target.quorum)) {
    return fail('quorum_not_met', `${attestations.length} of ${target.quorum}`);
  }
  // [REJECT] The entry's metric is the median of its attestations' metrics, ...
  const metrics = attestations.map((a) => a.metric);
  if (metrics.some((m) => m === undefined) || entry.metric !== median(metrics as number[])) {
    return fail('metric_mismatch');
  }
  // ... beats the parent by minDelta, ...
  const { direction } = target.metric;
  if (!isGenesis && !beatsByMinDelta(entry.metric, parent!.metric, target.minDelta, direction)) {
    return fail('not_improvement', `${entry.metric} vs ${parent!.metric}`);
  }
  // ... and lies within tolerance of the claim.
  if (!withinTolerance(entry.metric, candidate.claim, target.tolerance)) {
    return fail('outside_tolerance', `${entry.metric} vs claimed ${candidate.claim}`);
  }
  // [REJECT] The credited commitment is of this target and opens to the candidate's tree.
  if (!opensTo(credit.commitment, entry.target, candidate.tree, credit.salt)) {
    return fail('credit_invalid');
  }
  // [REJECT] Every attestation accepts this candidate and credits this commitment.
  const candidateId = idOf(CANDIDATE, candidate);
  const creditId = idOf(COMMITMENT, credit.commitment);
  for (const a of attestations) {
    if (
      a.verdict !== 'accept' ||
      !equalBytes(a.target, entry.target) ||
      !equalBytes(a.candidate, candidateId) ||
      !equalBytes(a.credit, creditId)
    ) {
      return fail('attestation_mismatch');
    }
  }
  // [REJECT] The candidate, the credited commitment and every attestation are valid,
  // signatures included.
  const candidateError = await validateCandidate(candidate, {
    target,
    parent,
    now: ctx.now,
    id: candidateId,
  });
  if (candidateError) return candidateError;
  if (!(await hasValidSignature(COMMITMENT, credit.commitment, creditId))) {
    return fail('bad_signature', 'credited commitment');
  }
  for (const a of attestations) {
    const error = await validateAttestation(a, {
      target,
      candidate: { value: candidate, id: candidateId },
      parent,
      now: ctx.now,
    });
    if (error) return error;
  }
  return undefined;
}
