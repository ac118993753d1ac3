import { decodeObject, defineObject, encodeObject } from '../codec/schema.ts';
import type { Hash } from '../hash.ts';
import { KIND, VERSION } from '../tags.ts';
import { HASH, UINT } from './fields.ts';

/**
 * The requests of the request/response protocols (PROTOCOL.md, "Network messages"). They are
 * encoded like every object, so a request has one canonical form and a peer refuses any
 * other; they are never stored, hashed or signed. Responses carry existing objects (Status,
 * LogEntry, Target, Tree) or raw blob bytes, so they need no codec of their own.
 */
export const REQUEST_LIMITS = {
  /** Largest encoded RangeRequest. */
  rangeRequestBytes: 64,
  /** Largest encoded FetchRequest. */
  fetchRequestBytes: 4096,
  /** Most entries one RangeRequest may ask for. */
  maxRangeCount: 512,
  /** Most hashes one FetchRequest may name. */
  maxFetchHashes: 64,
} as const;

/** Up to `count` entries of the responder's canonical chain of `target`, from height `from`. */
export interface RangeRequest {
  target: Hash;
  from: number;
  count: number;
}

export const rangeRequestCodec = defineObject<RangeRequest>({
  kind: KIND.rangeRequest,
  version: VERSION,
  name: 'range-request',
  maxSize: REQUEST_LIMITS.rangeRequestBytes,
  fields: [
    { no: 1, name: 'target', type: HASH },
    { no: 2, name: 'from', type: UINT },
    { no: 3, name: 'count', type: UINT },
  ],
});

export const FETCH_KINDS = ['target', 'tree', 'blob', 'entry'] as const;
export type FetchKind = (typeof FETCH_KINDS)[number];

/** A byte range of one blob: `length` bytes from `offset`. */
export interface ByteRange {
  offset: number;
  length: number;
}

/**
 * Objects of one kind by hash (target id, tree hash, blob hash or entry hash), answered in
 * the order asked. `range` asks for part of a blob, and only with exactly one blob hash.
 */
export interface FetchRequest {
  kind: FetchKind;
  hashes: Hash[];
  range?: ByteRange;
}

export const fetchRequestCodec = defineObject<FetchRequest>({
  kind: KIND.fetchRequest,
  version: VERSION,
  name: 'fetch-request',
  maxSize: REQUEST_LIMITS.fetchRequestBytes,
  fields: [
    { no: 1, name: 'kind', type: { type: 'enum', values: FETCH_KINDS } },
    { no: 2, name: 'hashes', type: { type: 'list', of: HASH, max: REQUEST_LIMITS.maxFetchHashes } },
    {
      no: 3,
      name: 'range',
      optional: true,
      type: {
        type: 'struct',
        fields: [
          { no: 1, name: 'offset', type: UINT },
          { no: 2, name: 'length', type: UINT },
        ],
      },
    },
  ],
});

export const encodeRangeRequest = (request: RangeRequest): Uint8Array =>
  encodeObject(rangeRequestCodec, request);
export const decodeRangeRequest = (bytes: Uint8Array): RangeRequest =>
  decodeObject(rangeRequestCodec, bytes);
export const encodeFetchRequest = (request: FetchRequest): Uint8Array =>
  encodeObject(fetchRequestCodec, request);
export const decodeFetchRequest = (bytes: Uint8Array): FetchRequest =>
  decodeObject(fetchRequestCodec, bytes);
