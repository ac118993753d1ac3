/** Options of the sync manager, with their defaults. */
import { REQUEST_LIMITS } from '@nightshift/protocol';
import type { ReqRespOptions } from '../reqresp/index.ts';

export interface SyncOptions {
  /** Options of the request/response layer the manager starts. */
  reqResp: Partial<ReqRespOptions>;
  /** Entries asked for per range request (at most 512). */
  batchSize: number;
  /** Fetch the candidate trees of entries synced, and their blobs. */
  fetchTrees: boolean;
  /**
   * Byte ranges of one large blob fetched at once, one stream each; 1 streams the whole blob
   * as one response. Ranges pay off where one stream's window limits throughput (long links);
   * on loopback, where the cost is per byte on each side's thread, they do not (BENCHMARKS.md).
   */
  blobParallelRanges: number;
  /** With several ranges: blobs larger than this are fetched as ranges of this size. */
  blobSegmentBytes: number;
  /** Sum of the sizes of small blobs asked for in one request; a larger blob goes alone. */
  blobBatchBytes: number;
  /** After a sync moves a head, re-run the handshake with every peer this much later
   *  (a peer that is behind then syncs from us). */
  announceDelayMs: number;
  /** Re-run the handshake with every connected peer this often; 0 never. */
  statusIntervalMs: number;
  /** How many times a request refused as rate-limited is tried again, a second apart. */
  rateLimitRetries: number;
  /** Threads that validate synced entries: undefined for the process's shared pool (one per
   *  spare core, at most two), 0 to validate on the main thread. */
  validationThreads?: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  reqResp: {},
  batchSize: REQUEST_LIMITS.maxRangeCount,
  fetchTrees: true,
  blobParallelRanges: 1,
  blobSegmentBytes: 8 * 1024 * 1024,
  blobBatchBytes: 8 * 1024 * 1024,
  announceDelayMs: 250,
  statusIntervalMs: 60_000,
  rateLimitRetries: 5,
};
