/**
 * Why a candidate is not (or no longer) worth a run: one stable reason code per cause, and
 * the verdict that code carries. Protocol's codes keep their names (PROTOCOL.md §8); the
 * verifier adds its own below. Callers branch on `code` or `verdict`, never on the message.
 */
import { ERROR_CODES, type ErrorCode, type ProtocolError } from '@nightshift/protocol';
import type { CandidateStatus } from '@nightshift/store';

/**
 * - `reject`: provably invalid, the author's fault (gossip REJECT); stored as `rejected`.
 * - `ignore`: no fault proven, but not worth a run (local policy, or too late to fix);
 *   stored as `rejected` with the reason, so the author can see it.
 * - `stale`: built on an entry that is no longer the head; stored as `stale` so the author
 *   rebases.
 * - `retry`: not checkable yet (a tree, parent, target or commitment is on its way, or the
 *   clock has not caught up); left `pending` and checked again when it arrives.
 */
export type Verdict = 'reject' | 'ignore' | 'stale' | 'retry';

/** The verifier's own codes, beside protocol's. */
export const VERIFIER_REASONS = {
  /** The target does not list this verifier's key: someone else's work, skipped silently. */
  not_our_target: 'ignore',
  /**
   * No commitment of the author opening the candidate was stored in time (awaiting-commitments.ts):
   * one received after its candidate could never pass the reveal delay anyway.
   */
  no_commitment: 'ignore',
  /** The candidate's tree, or its parent's, is not stored yet: fetch it and check again. */
  tree_missing: 'retry',
  /** The files it adds or changes exceed this verifier's bound on what it fetches and runs. */
  too_large: 'ignore',
  /** The author is banned until its record's `bannedUntil` (reputation-policy.ts). */
  author_banned: 'ignore',
  /** The author has used up its candidates for this target for now (rate-limit.ts). */
  rate_limited: 'ignore',
  /** Another queued candidate has the same tree; the earliest commitment keeps the credit. */
  duplicate_tree: 'ignore',
  /** The queue was full and this candidate had the lowest priority. */
  queue_full: 'ignore',
} as const satisfies Record<string, Verdict>;

export type VerifierReason = keyof typeof VERIFIER_REASONS;
export type ReasonCode = VerifierReason | ErrorCode;

/**
 * Protocol codes whose verdict is not the plain reading of their action (reject → reject,
 * ignore → retry): a stale parent asks the author to rebase, and a reveal that came too
 * early stays too early, since both receipt times are fixed.
 */
const PROTOCOL_EXCEPTIONS: Partial<Record<ErrorCode, Verdict>> = {
  stale_parent: 'stale',
  reveal_too_early: 'ignore',
};

export function verdictOf(code: ReasonCode): Verdict {
  if (code in VERIFIER_REASONS) return VERIFIER_REASONS[code as VerifierReason];
  const exception = PROTOCOL_EXCEPTIONS[code as ErrorCode];
  if (exception) return exception;
  return ERROR_CODES[code as ErrorCode] === 'reject' ? 'reject' : 'retry';
}

export interface Failure {
  ok: false;
  code: ReasonCode;
  verdict: Verdict;
  message: string;
}

export function failure(code: ReasonCode, message: string = code): Failure {
  return { ok: false, code, verdict: verdictOf(code), message };
}

export function fromProtocolError(error: ProtocolError): Failure {
  return failure(error.code, error.message);
}

/**
 * The status a failure leaves its candidate in; undefined when the status stays as it is
 * (`retry`: checked again later; `not_our_target`: not this verifier's to judge).
 */
export function statusFor(code: ReasonCode): CandidateStatus | undefined {
  if (code === 'not_our_target') return undefined;
  switch (verdictOf(code)) {
    case 'reject':
    case 'ignore':
      return 'rejected';
    case 'stale':
      return 'stale';
    case 'retry':
      return undefined;
  }
}
