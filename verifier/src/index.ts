/**
 * @nightshift/verifier: the verifier role. So far its core without network or runner: the
 * prechecks, per-author rate limits, the reputation policy and the persistent queue.
 */
export { type Admission, type AdmitModules, admit } from './admit.ts';
export { type Credit, creditFor, earlierCredit, RevealedTrees } from './credit.ts';
export {
  DEFAULT_PRECHECKS,
  type Passed,
  type PrecheckModules,
  type PrecheckOptions,
  type PrecheckResult,
  Prechecks,
  type Received,
} from './prechecks.ts';
export {
  DEFAULT_QUEUE,
  type Dropped,
  Queue,
  type QueuedCandidate,
  type QueueModules,
  type QueueOptions,
} from './queue.ts';
export { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit.ts';
export {
  type Failure,
  type ReasonCode,
  statusFor,
  VERIFIER_REASONS,
  type Verdict,
  type VerifierReason,
  verdictOf,
} from './reasons.ts';
export {
  DEFAULT_REPUTATION,
  type ReputationOptions,
  ReputationPolicy,
} from './reputation-policy.ts';
export { settle } from './settle.ts';
export type { TreeFailure } from './tree-checks.ts';
