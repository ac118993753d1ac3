/**
 * The request/response protocols of a nightshift peer (PROTOCOL.md, "Network messages"):
 * their ids, frame bounds and result codes, and the default limits of this implementation.
 */
import { LIMITS, REQUEST_LIMITS } from '@nightshift/protocol';

/** Blob content travels in pieces of at most this many bytes (the store's chunk size). */
export const BLOB_PIECE_BYTES = 1024 * 1024;

/** The longest message an error frame carries, in UTF-8 bytes. */
export const ERROR_MESSAGE_BYTES = 256;

export interface ProtocolSpec {
  readonly id: string;
  /** The bound on the request frame. */
  readonly maxRequestBytes: number;
  /** The bound on each response frame (its result byte included). */
  readonly maxResponseBytes: number;
}

export const PROTOCOLS = {
  /** Request: our Status. Response: one frame, the responder's Status. */
  status: {
    id: '/nightshift/status/1',
    maxRequestBytes: LIMITS.statusBytes,
    maxResponseBytes: 1 + LIMITS.statusBytes,
  },
  /** Request: a RangeRequest. Response: one frame per canonical entry, in height order. */
  entries: {
    id: '/nightshift/entries/1',
    maxRequestBytes: REQUEST_LIMITS.rangeRequestBytes,
    maxResponseBytes: 1 + LIMITS.entryBytes,
  },
  /** Request: a FetchRequest. Response: each object in the order asked (blobs in pieces). */
  fetch: {
    id: '/nightshift/fetch/1',
    maxRequestBytes: REQUEST_LIMITS.fetchRequestBytes,
    maxResponseBytes:
      1 + Math.max(LIMITS.targetBytes, LIMITS.treeBytes, LIMITS.entryBytes, BLOB_PIECE_BYTES),
  },
} as const satisfies Record<string, ProtocolSpec>;

export type ProtocolName = keyof typeof PROTOCOLS;

/** The first byte of every response frame. */
export const RESULT = {
  ok: 0,
  invalid_request: 1,
  server_error: 2,
  not_found: 3,
  rate_limited: 4,
} as const;

export type ResultName = keyof typeof RESULT;

/** Token buckets: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

export interface ReqRespOptions {
  /** Requests each peer may make, per protocol. */
  rateLimits: Record<ProtocolName, RateLimit>;
  /** Requests of one peer answered at once, over all protocols. */
  maxConcurrentPerPeer: number;
  /** Requests answered at once, over all peers. */
  maxConcurrentTotal: number;
  /** How long a responder waits for the request frame. */
  requestTimeoutMs: number;
  /** How long a requester waits for each response frame (the first included). */
  frameTimeoutMs: number;
  /** How long opening a stream (dial and protocol negotiation) may take. */
  dialTimeoutMs: number;
  /** How long a writer waits for a peer that stopped reading. */
  drainTimeoutMs: number;
  /** Penalty points at which a peer is banned, and for how long. */
  banThreshold: number;
  banMs: number;
}

export const DEFAULT_REQRESP_OPTIONS: ReqRespOptions = {
  rateLimits: {
    status: { burst: 10, perSecond: 2 },
    entries: { burst: 20, perSecond: 10 },
    fetch: { burst: 100, perSecond: 50 },
  },
  maxConcurrentPerPeer: 8,
  maxConcurrentTotal: 64,
  requestTimeoutMs: 10_000,
  frameTimeoutMs: 10_000,
  dialTimeoutMs: 10_000,
  drainTimeoutMs: 30_000,
  banThreshold: 100,
  banMs: 10 * 60_000,
};
