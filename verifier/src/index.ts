/**
 * @nightshift/verifier: the verifier role. So far its parts without the network: the
 * prechecks, per-author rate limits, the reputation policy, the persistent queue, the
 * re-run that makes an attestation, and the entry a quorum of attestations makes.
 */
export { type Admission, type AdmitModules, admit } from './admit.ts';
export { assembleEntry, type EntryParent } from './assemble.ts';
export { type CandidateStatusRow, candidateStatuses } from './candidate-statuses.ts';
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
export {
  type VerifierEvent,
  type VerifierNetwork,
  VerifierService,
  type VerifierServiceModules,
  type VerifierServiceOptions,
} from './service.ts';
export { settle } from './settle.ts';
export type { TreeFailure } from './tree-checks.ts';
export { type VerifyModules, type VerifyRequest, verify } from './verify.ts';
