/**
 * What every handler shares: the context it answers in, and the decoding of its request,
 * where any decode error is the requester's fault (`invalid_request`).
 */
import { isProtocolError } from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import { ReqRespError } from '../errors.ts';
import type { ResponseChunk } from '../response.ts';

/** The parts of the store that handlers read. */
export type ServedStore = Pick<Store, 'entries' | 'targets' | 'trees' | 'blobs'>;

export interface HandlerContext {
  /** The requesting peer's id. */
  peer: string;
  store: ServedStore;
}

/** Answers one request frame with response chunks; throws `invalid_request` for bad ones. */
export type Handler = (
  request: Uint8Array,
  context: HandlerContext,
) => AsyncIterable<ResponseChunk>;

export function decodeRequest<T>(decode: (bytes: Uint8Array) => T, bytes: Uint8Array): T {
  try {
    return decode(bytes);
  } catch (err) {
    if (!isProtocolError(err)) throw err;
    throw new ReqRespError('invalid_request', err.message, { cause: err });
  }
}
