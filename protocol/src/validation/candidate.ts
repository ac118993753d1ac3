import { equalBytes } from '../bytes.ts';
import { fail, type ProtocolError } from '../errors.ts';
import { type Hash, ZERO_HASH } from '../hash.ts';
import { LIMITS } from '../limits.ts';
import { CANDIDATE, type Candidate } from '../objects/candidate.ts';
import type { LogEntry } from '../objects/entry.ts';
import { hasValidSignature } from '../objects/signed.ts';
import type { Target } from '../objects/target.ts';
import type { Tree } from '../objects/tree.ts';
import { beatsByMinDelta } from '../rules/improvement.ts';
import { isPrintableLine } from './paths.ts';
import { firstImmutableChange, validateTree } from './tree.ts';

export interface CandidateContext {
  /** The target named by `candidate.target`, if known. */
  target: Target | undefined;
  /** The entry named by `candidate.parent`, if known (unused for a baseline). */
  parent: LogEntry | undefined;
  /** The target's canonical head; when given, a candidate on any other parent is stale. */
  head?: Hash;
  /** Local time in ms; Infinity skips the future-time check (as when auditing a chain). */
  now: number;
  id?: Hash;
}

export const isBaseline = (candidate: Candidate): boolean =>
  equalBytes(candidate.parent, ZERO_HASH);

/** The cheap checks and the signature; the tree is checked by validateCandidateTree. */
export async function validateCandidate(
  candidate: Candidate,
  ctx: CandidateContext,
): Promise<ProtocolError | undefined> {
  const { target, parent } = ctx;
  // [IGNORE] The target is known.
  if (!target) return fail('unknown_target');
  // [IGNORE] The candidate was not signed in the future.
  if (candidate.createdAt > ctx.now + LIMITS.maxClockSkewMs) return fail('from_future');
  // [REJECT] The description is one printable line.
  if (!isPrintableLine(candidate.description)) return fail('invalid_text', 'description');

  if (isBaseline(candidate)) {
    // [REJECT] A baseline candidate (parent ZERO_HASH) is the target's baseline tree,
    // signed by the target's author.
    if (
      !equalBytes(candidate.tree, target.baseline) ||
      !equalBytes(candidate.author, target.author)
    ) {
      return fail('invalid_genesis');
    }
  } else {
    // [IGNORE] The parent entry is known.
    if (!parent) return fail('unknown_parent');
    // [REJECT] The parent entry belongs to the same target.
    if (!equalBytes(parent.target, candidate.target)) return fail('wrong_target');
    // [REJECT] The claim beats the parent's verified metric by at least minDelta.
    if (
      !beatsByMinDelta(candidate.claim, parent.metric, target.minDelta, target.metric.direction)
    ) {
      return fail('claim_not_improvement', `${candidate.claim} vs ${parent.metric}`);
    }
  }
  // [IGNORE] The parent is still the canonical head (else the author should rebase).
  if (ctx.head && !equalBytes(ctx.head, candidate.parent)) return fail('stale_parent');
  // [REJECT] The author's signature is valid.
  if (!(await hasValidSignature(CANDIDATE, candidate, ctx.id))) return fail('bad_signature');
  return undefined;
}

/** The candidate's tree is the one it names, and differs from its parent's only in mutable paths. */
export function validateCandidateTree(
  candidate: Candidate,
  target: Target,
  parentTree: Tree,
  tree: Tree,
): ProtocolError | undefined {
  const treeError = validateTree(tree, candidate.tree);
  if (treeError) return treeError;
  // [REJECT] Only mutable paths differ from the parent's tree.
  const path = firstImmutableChange(parentTree, tree, target.mutablePaths);
  return path === undefined ? undefined : fail('immutable_path_changed', path);
}
