/**
 * The requester's side of one request: open a stream, write the request frame, half-close,
 * then read response frames, each within a deadline. Any failure resets this stream only.
 */
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import type { ProtocolSpec } from './constants.ts';
import { asReqRespError, ReqRespError } from './errors.ts';
import { FrameReader, FrameWriter } from './frames.ts';
import { parseResponse, type ResponseChunk, remoteError } from './response.ts';

/** Response bytes buffered unread before the stream is paused. */
const RESPONSE_HIGH_WATER_MARK = 4 * 1024 * 1024;

/** What the request/response layer needs of a libp2p node. */
export type ReqRespHost = Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol' | 'hangUp'>;

export interface RequestTimeouts {
  dialTimeoutMs: number;
  frameTimeoutMs: number;
  drainTimeoutMs: number;
}

export interface RequestOptions {
  /** Aborts the request (and resets its stream). */
  signal?: AbortSignal;
}

/** The response to one request, frame by frame. */
export class ResponseStream {
  private finished = false;

  constructor(
    private readonly stream: Stream,
    private readonly reader: FrameReader,
    private readonly frameTimeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** The next chunk, or undefined when the responder ended the response. */
  async next(): Promise<ResponseChunk | undefined> {
    try {
      const frame = await this.reader.read({ signal: this.signal, timeoutMs: this.frameTimeoutMs });
      if (!frame) {
        this.finished = true;
        return undefined;
      }
      return parseResponse(frame);
    } catch (err) {
      this.fail(err);
      throw asReqRespError(err);
    }
  }

  /** Fails with `bad_response` unless the response ends here. */
  async expectEnd(): Promise<void> {
    const chunk = await this.next();
    if (chunk === undefined) return;
    const error =
      chunk.result === 'ok'
        ? new ReqRespError('bad_response', 'more frames than asked for')
        : remoteError(chunk);
    this.fail(error);
    throw error;
  }

  /** Resets the stream: the rest of the response is not wanted, or broke a rule. */
  fail(reason: unknown): void {
    this.finished = true;
    this.reader.detach();
    this.stream.abort(asReqRespError(reason));
  }

  /** Releases the stream; one not read to its end is reset. */
  close(): void {
    if (this.finished) {
      this.reader.detach();
      return;
    }
    this.fail(new ReqRespError('aborted', 'response abandoned'));
  }
}

export async function openRequest(
  host: ReqRespHost,
  peer: PeerId,
  spec: ProtocolSpec,
  request: Uint8Array,
  timeouts: RequestTimeouts,
  options: RequestOptions = {},
): Promise<ResponseStream> {
  const { signal } = options;
  if (signal?.aborted) throw new ReqRespError('aborted');
  const dialTimeout = AbortSignal.timeout(timeouts.dialTimeoutMs);
  let stream: Stream;
  try {
    stream = await host.dialProtocol(peer, spec.id, {
      signal: signal ? AbortSignal.any([signal, dialTimeout]) : dialTimeout,
    });
  } catch (err) {
    if (signal?.aborted) throw new ReqRespError('aborted');
    const reason = dialTimeout.aborted ? 'timed out' : (err as Error).message;
    throw new ReqRespError('dial_failed', `${spec.id}: ${reason}`, { cause: err });
  }
  // Listen before writing, so no response byte can arrive unheard.
  const reader = new FrameReader(stream, {
    maxFrameBytes: spec.maxResponseBytes,
    highWaterMark: RESPONSE_HIGH_WATER_MARK,
  });
  const response = new ResponseStream(stream, reader, timeouts.frameTimeoutMs, signal);
  try {
    const writer = new FrameWriter(stream, { signal, drainTimeoutMs: timeouts.drainTimeoutMs });
    await writer.write(request);
    await stream.close({ signal });
  } catch (err) {
    if (signal?.aborted) {
      response.fail(err);
      throw new ReqRespError('aborted');
    }
    // A responder may refuse (rate limit, ban) and reset before reading the request: its
    // answer, if any, is already buffered, and the reader reports the rest.
  }
  return response;
}
