/**
 * The responder's side: every inbound stream of our protocols is bounded (request frame size,
 * time, a token bucket per peer and protocol, requests in progress per peer and in total) and
 * every failure ends that stream only. What a requester provably did wrong costs it penalty
 * points (INBOUND_PENALTY, the one place they are decided).
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { isProtocolError, type Status } from '@nightshift/protocol';
import { PROTOCOLS, type ProtocolName, type ReqRespOptions, type ResultName } from './constants.ts';
import { asReqRespError, ReqRespError, type ReqRespErrorCode } from './errors.ts';
import { FrameReader, FrameWriter } from './frames.ts';
import { serveEntries } from './handlers/entries.ts';
import { serveFetch } from './handlers/fetch.ts';
import type { Handler, ServedStore } from './handlers/request.ts';
import { statusHandler } from './handlers/status.ts';
import { ConcurrencyLimit, TokenBuckets } from './rate-limit.ts';
import { errorChunk, type ResponseChunk, resultByte } from './response.ts';

/** Penalty points for what a requester did wrong. */
export const INBOUND_PENALTY: Partial<Record<ReqRespErrorCode, number>> = {
  frame_too_large: 50,
  frame_invalid_length: 50,
  frame_truncated: 20,
  invalid_request: 20,
  timeout: 5,
  rate_limited: 1,
};

/** Queue small response frames up to this many bytes before sending them. */
const COALESCE_BYTES = 64 * 1024;

export interface RequestEvent {
  peer: string;
  protocol: ProtocolName;
  result: ResultName | ReqRespErrorCode;
}

export interface ResponderModules {
  store: ServedStore;
  now: () => number;
  /** A peer sent us its Status. */
  onStatus: (peer: string, status: Status) => void;
  /** A request was answered or refused. */
  onRequest: (event: RequestEvent) => void;
  penalize: (peer: PeerId, points: number, reason: string) => void;
  isBanned: (peer: string) => boolean;
}

export class Responder {
  private readonly buckets: Record<ProtocolName, TokenBuckets>;
  private readonly concurrency: ConcurrencyLimit;
  private readonly handlers: Record<ProtocolName, Handler>;
  private readonly inbound = new Set<Stream>();

  constructor(
    private readonly options: ReqRespOptions,
    private readonly modules: ResponderModules,
    private readonly signal: AbortSignal,
  ) {
    const { rateLimits } = options;
    this.buckets = {
      status: new TokenBuckets(rateLimits.status, modules.now),
      entries: new TokenBuckets(rateLimits.entries, modules.now),
      fetch: new TokenBuckets(rateLimits.fetch, modules.now),
    };
    this.concurrency = new ConcurrencyLimit(
      options.maxConcurrentPerPeer,
      options.maxConcurrentTotal,
    );
    this.handlers = {
      status: statusHandler(modules.onStatus),
      entries: serveEntries,
      fetch: serveFetch,
    };
  }

  /** Resets every stream being answered. */
  abortAll(): void {
    for (const stream of this.inbound) stream.abort(new ReqRespError('aborted', 'stopping'));
    this.inbound.clear();
  }

  async serve(name: ProtocolName, stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer;
    const id = peer.toString();
    if (this.modules.isBanned(id)) {
      stream.abort(new ReqRespError('peer_banned'));
      return;
    }
    const { signal } = this;
    const writer = new FrameWriter(stream, {
      signal,
      drainTimeoutMs: this.options.drainTimeoutMs,
      coalesceBytes: COALESCE_BYTES,
    });
    const release = this.buckets[name].tryTake(id) ? this.concurrency.tryAcquire(id) : undefined;
    if (!release) {
      this.modules.onRequest({ peer: id, protocol: name, result: 'rate_limited' });
      await this.refuse(stream, writer, errorChunk('rate_limited', `too many ${name} requests`));
      this.modules.penalize(peer, INBOUND_PENALTY.rate_limited ?? 0, 'rate_limited');
      return;
    }
    this.inbound.add(stream);
    const reader = new FrameReader(stream, { maxFrameBytes: PROTOCOLS[name].maxRequestBytes });
    try {
      const request = await reader.read({ signal, timeoutMs: this.options.requestTimeoutMs });
      if (!request) throw new ReqRespError('invalid_request', 'the stream ended without a request');
      // The requester has nothing more to say: whatever else it sends is dropped unread.
      reader.detach();
      await stream.closeRead();
      const context = { peer: id, store: this.modules.store };
      for await (const chunk of this.handlers[name](request, context)) {
        await writer.write(resultByte(chunk), chunk.payload);
      }
      await writer.flush();
      await stream.close({ signal });
      this.modules.onRequest({ peer: id, protocol: name, result: 'ok' });
    } catch (err) {
      await this.answerFailure(name, peer, stream, writer, err);
    } finally {
      reader.detach();
      release();
      this.inbound.delete(stream);
    }
  }

  /** The requester's fault gets an error frame and a penalty; anything else a reset. */
  private async answerFailure(
    name: ProtocolName,
    peer: PeerId,
    stream: Stream,
    writer: FrameWriter,
    err: unknown,
  ): Promise<void> {
    const error = isProtocolError(err)
      ? new ReqRespError('server_error', err.message)
      : asReqRespError(err);
    this.modules.onRequest({ peer: peer.toString(), protocol: name, result: error.code });
    const answerable =
      error.code === 'invalid_request' ||
      error.code === 'server_error' ||
      error.code.startsWith('frame_');
    if (answerable) {
      const result = error.code === 'server_error' ? 'server_error' : 'invalid_request';
      await this.refuse(stream, writer, errorChunk(result, error.message));
    } else {
      stream.abort(error);
    }
    // After the answer: a ban disconnects the peer.
    const points = INBOUND_PENALTY[error.code] ?? 0;
    if (points > 0) this.modules.penalize(peer, points, `${name}: ${error.code}`);
  }

  /**
   * Sends one error frame and closes our end. A refused request is dropped unread (the
   * requester may still be writing it); a malformed one resets the stream, so that a peer
   * sending garbage cannot keep us decrypting it.
   */
  private async refuse(stream: Stream, writer: FrameWriter, chunk: ResponseChunk): Promise<void> {
    try {
      await writer.write(resultByte(chunk), chunk.payload);
      await writer.flush();
      await stream.close({ signal: AbortSignal.timeout(this.options.drainTimeoutMs) });
      if (chunk.result === 'rate_limited') {
        await stream.closeRead();
        return;
      }
    } catch {
      // The peer is gone or not reading: the reset below is all it gets.
    }
    stream.abort(new ReqRespError(chunk.result as ReqRespErrorCode, 'request refused'));
  }
}
