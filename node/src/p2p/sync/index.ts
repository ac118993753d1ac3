/** The sync manager: status handshake, range sync and object fetch towards peers' heads. */
export { checkRange, EntryWriter, type ReceivedEntry, validateBatch } from './entry-batch.ts';
export { isSyncError, RESPONSE_PENALTY, SyncError, type SyncErrorCode } from './errors.ts';
export { DEFAULT_SYNC_OPTIONS, type SyncOptions } from './options.ts';
export { isBetterHead } from './range-sync.ts';
export {
  type FailureInfo,
  Sync,
  type SyncEvents,
  type SyncHost,
  type SyncModules,
  type SyncReport,
  type SyncStore,
  type TargetSyncReport,
} from './sync.ts';
