export { type AcceptedAttestation, validateGossipAttestation } from './attestation.ts';
export { type AcceptedCandidate, validateGossipCandidate } from './candidate.ts';
export { type AcceptedCommitment, validateGossipCommitment } from './commitment.ts';
export { checkSize, type TargetMessage, type ValidationModules } from './context.ts';
export { type AcceptedEntry, type EntryHooks, validateGossipEntry } from './entry.ts';
export { type AcceptedTarget, validateGossipTarget } from './target.ts';
