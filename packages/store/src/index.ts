/**
 * @nightshift/store: a node's LevelDB store behind small repositories. The key layout is in
 * keys.ts (and README.md); `Store.open(dataDir)` is the entry point.
 */
export { AttestationRepository, type StoredAttestation } from './attestations.ts';
export {
  BLOBS_DIR,
  type BlobReadOptions,
  BlobRepository,
  type BlobStat,
  blobHasher,
} from './blobs.ts';
export { CandidateRepository, type StoredCandidate, TRANSITIONS } from './candidates.ts';
export { CommitmentRepository, type StoredCommitment } from './commitments.ts';
export { Batch, type Database, openDatabase, type Sublevel, type Sublevels } from './database.ts';
export {
  type AddEntryResult,
  EntryRepository,
  type IndexedEntry,
  type ValidatedAddResult,
} from './entries.ts';
export { isStoreError, StoreError, type StoreErrorCode } from './errors.ts';
export { JournalRepository } from './journal.ts';
export * from './keys.ts';
export type {
  CandidateStatus,
  CandidateStatusRecord,
  JournalRecord,
  ReputationRecord,
} from './records.ts';
export { NO_REPUTATION, ReputationRepository } from './reputation.ts';
export { STORE_DIR, Store } from './store.ts';
export { TargetRepository } from './targets.ts';
export { TreeRepository } from './trees.ts';
