/**
 * The requester's calls, one per protocol: each opens a stream, sends the request and reads
 * the response, checking its shape (how many frames, which result codes); the caller checks
 * the objects themselves. Errors are ReqRespErrors: the responder's codes as it sent them,
 * ours for framing, timeouts and broken responses.
 */
import type { PeerId } from '@libp2p/interface';
import {
  type ByteRange,
  decodeStatus,
  encodeFetchRequest,
  encodeRangeRequest,
  encodeStatus,
  type FetchKind,
  type Hash,
  isProtocolError,
  type RangeRequest,
  type Status,
} from '@nightshift/protocol';
import {
  openRequest,
  type ReqRespHost,
  type RequestOptions,
  type RequestTimeouts,
  type ResponseStream,
} from './client.ts';
import { BLOB_PIECE_BYTES, PROTOCOLS, type ProtocolName } from './constants.ts';
import { ReqRespError } from './errors.ts';
import { assertOk } from './response.ts';

/** One blob of a multi-blob fetch: its pieces, or undefined when the peer lacks it. */
export interface BlobItem {
  hash: Hash;
  pieces: AsyncIterable<Uint8Array> | undefined;
}

export class Requester {
  constructor(
    private readonly host: ReqRespHost,
    private readonly timeouts: RequestTimeouts,
  ) {}

  private open(peer: PeerId, name: ProtocolName, request: Uint8Array, options: RequestOptions) {
    return openRequest(this.host, peer, PROTOCOLS[name], request, this.timeouts, options);
  }

  /** Sends `ours`, returns the peer's Status. */
  async status(peer: PeerId, ours: Status, options: RequestOptions = {}): Promise<Status> {
    const response = await this.open(peer, 'status', encodeStatus(ours), options);
    try {
      const chunk = await response.next();
      if (!chunk) throw new ReqRespError('bad_response', 'no status');
      const status = decodeResponse(decodeStatus, assertOk(chunk));
      await response.expectEnd();
      return status;
    } finally {
      response.close();
    }
  }

  /** The peer's canonical entries from `request.from`: raw bytes, at most `request.count`. */
  async *entries(
    peer: PeerId,
    request: RangeRequest,
    options: RequestOptions = {},
  ): AsyncGenerator<Uint8Array> {
    const response = await this.open(peer, 'entries', encodeRangeRequest(request), options);
    try {
      for (let received = 0; ; received++) {
        const chunk = await response.next();
        if (!chunk) return;
        const bytes = assertOk(chunk);
        if (received === request.count) {
          throw new ReqRespError('bad_response', `more than the ${request.count} entries asked`);
        }
        yield bytes;
      }
    } finally {
      response.close();
    }
  }

  /** Targets, trees or entries by hash: their bytes in the order asked, undefined if missing.
   *  The bytes are as the peer sent them: the caller checks that they hash to what it asked. */
  async fetchObjects(
    peer: PeerId,
    kind: Exclude<FetchKind, 'blob'>,
    hashes: Hash[],
    options: RequestOptions = {},
  ): Promise<(Uint8Array | undefined)[]> {
    const request = encodeFetchRequest({ kind, hashes });
    const response = await this.open(peer, 'fetch', request, options);
    try {
      const out: (Uint8Array | undefined)[] = [];
      for (const _ of hashes) {
        const chunk = await response.next();
        if (!chunk) throw new ReqRespError('bad_response', `${out.length} of ${hashes.length}`);
        out.push(chunk.result === 'not_found' ? undefined : assertOk(chunk));
      }
      await response.expectEnd();
      return out;
    } finally {
      response.close();
    }
  }

  /**
   * Blobs by hash (or one blob's byte range): one item per hash, in order. Each item's pieces
   * must be read (or abandoned by breaking out) before the next item is asked for.
   */
  async *fetchBlobs(
    peer: PeerId,
    hashes: Hash[],
    options: RequestOptions & { range?: ByteRange } = {},
  ): AsyncGenerator<BlobItem> {
    const request = encodeFetchRequest({
      kind: 'blob',
      hashes,
      ...(options.range && { range: options.range }),
    });
    const response = await this.open(peer, 'fetch', request, options);
    try {
      for (const hash of hashes) {
        const first = await response.next();
        if (!first) throw new ReqRespError('bad_response', 'the response ended early');
        if (first.result === 'not_found') {
          yield { hash, pieces: undefined };
          continue;
        }
        const item = new BlobPieces(response, assertOk(first));
        yield { hash, pieces: item };
        await item.drain();
      }
      await response.expectEnd();
    } finally {
      response.close();
    }
  }
}

/** The pieces of one blob in a fetch response: `ok` frames up to an empty one. */
class BlobPieces implements AsyncIterable<Uint8Array> {
  private done = false;

  constructor(
    private readonly response: ResponseStream,
    private first: Uint8Array | undefined,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    while (!this.done) {
      const piece = await this.nextPiece();
      if (piece === undefined) return;
      yield piece;
    }
  }

  /** Reads what the consumer left unread, up to the end of this blob. */
  async drain(): Promise<void> {
    while (!this.done) await this.nextPiece();
  }

  private async nextPiece(): Promise<Uint8Array | undefined> {
    let piece = this.first;
    this.first = undefined;
    if (piece === undefined) {
      const chunk = await this.response.next();
      if (!chunk) throw new ReqRespError('bad_response', 'a blob without its end frame');
      piece = assertOk(chunk);
    }
    if (piece.length > BLOB_PIECE_BYTES) {
      throw new ReqRespError('bad_response', `a blob piece of ${piece.length} bytes`);
    }
    if (piece.length > 0) return piece;
    this.done = true;
    return undefined;
  }
}

function decodeResponse<T>(decode: (bytes: Uint8Array) => T, bytes: Uint8Array): T {
  try {
    return decode(bytes);
  } catch (err) {
    if (!isProtocolError(err)) throw err;
    throw new ReqRespError('bad_response', err.message, { cause: err });
  }
}
