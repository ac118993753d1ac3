/**
 * Length-prefixed frames over a libp2p stream: `varint(n) ‖ n bytes` (PROTOCOL.md, "Network
 * messages"). Each protocol bounds its frames; a prefix over the bound fails at once, before
 * its bytes arrive, so a peer cannot make us buffer more than the bound. Every failure is a
 * ReqRespError with a code and concerns this stream only.
 *
 * The reader applies back-pressure: yamux grants the sender more window as soon as data
 * arrives, whoever reads it, so above a high-water mark the reader pauses the stream (no more
 * window updates) and resumes once the consumer has caught up.
 */
import type { MessageStream } from '@libp2p/interface';
import { Uint8ArrayList } from 'uint8arraylist';
import { ReqRespError } from './errors.ts';
import { encodeVarint, readVarint, varintLength } from './varint.ts';

/** yamux's largest receive window: what a sender may still send after we pause. */
const MAX_IN_FLIGHT = 16 * 1024 * 1024;

export interface ReadOptions {
  signal?: AbortSignal;
  /** Fail with `timeout` when no whole frame arrives within this many ms. */
  timeoutMs?: number;
}

export interface FrameReaderOptions {
  /** The largest frame this stream may carry. */
  maxFrameBytes: number;
  /** Pause the stream while more than this many bytes wait to be read; without it the reader
   *  never pauses (for a request: one small frame, after which the reader is detached). */
  highWaterMark?: number;
}

export class FrameReader {
  private readonly buffer = new Uint8ArrayList();
  private readonly maxPrefixBytes: number;
  private readonly highWaterMark: number | undefined;
  private wake: (() => void) | undefined;
  private ended = false;
  private failure: Error | undefined;
  private paused = false;

  constructor(
    private readonly stream: MessageStream,
    private readonly options: FrameReaderOptions,
  ) {
    this.maxPrefixBytes = varintLength(options.maxFrameBytes);
    this.highWaterMark = options.highWaterMark;
    if (this.highWaterMark !== undefined) {
      // While paused, bytes already granted keep arriving into the stream's own buffer, which
      // aborts the stream past maxReadBufferLength.
      const needed = this.highWaterMark + options.maxFrameBytes + MAX_IN_FLIGHT;
      if (stream.maxReadBufferLength < needed) stream.maxReadBufferLength = needed;
    }
    stream.addEventListener('message', this.onMessage);
    stream.addEventListener('end', this.onEnd);
    stream.addEventListener('close', this.onClose);
    if (stream.status === 'reset' || stream.status === 'aborted') {
      this.failure = new Error(`the stream was ${stream.status} before it was read`);
    }
    if (stream.readableEnded) this.ended = true;
  }

  /** The next frame's bytes, or undefined when the stream ended cleanly between frames. */
  async read(options: ReadOptions = {}): Promise<Uint8Array | undefined> {
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
    for (;;) {
      const frame = this.parse();
      if (frame) return frame;
      if (this.failure) throw new ReqRespError('stream_reset', this.failure.message);
      if (this.ended) {
        if (this.buffer.byteLength === 0) return undefined;
        throw new ReqRespError('frame_truncated', `${this.buffer.byteLength} bytes left over`);
      }
      // The frame is incomplete: it needs bytes beyond the high-water mark.
      if (this.paused) this.setPaused(false);
      await this.waitForData(options.signal, deadline);
    }
  }

  /** Stops listening to the stream (what was buffered is dropped). */
  detach(): void {
    this.stream.removeEventListener('message', this.onMessage);
    this.stream.removeEventListener('end', this.onEnd);
    this.stream.removeEventListener('close', this.onClose);
    this.wake?.();
  }

  private parse(): Uint8Array | undefined {
    const { buffer } = this;
    const prefix = readVarint((i) => buffer.get(i), buffer.byteLength, this.maxPrefixBytes);
    if (prefix.kind === 'incomplete') return undefined;
    if (prefix.kind === 'invalid') {
      throw new ReqRespError('frame_invalid_length', 'not a minimal varint within the bound');
    }
    if (prefix.value > this.options.maxFrameBytes) {
      throw new ReqRespError('frame_too_large', `${prefix.value} > ${this.options.maxFrameBytes}`);
    }
    const end = prefix.bytes + prefix.value;
    if (buffer.byteLength < end) return undefined;
    // A view when the frame lies in one received chunk, else one copy.
    const frame = buffer.subarray(prefix.bytes, end);
    buffer.consume(end);
    if (this.paused && buffer.byteLength < (this.highWaterMark ?? 0) / 2) this.setPaused(false);
    return frame;
  }

  private waitForData(signal: AbortSignal | undefined, deadline: number | undefined) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new ReqRespError('aborted'));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.wake = undefined;
      };
      const onAbort = () => {
        done();
        reject(new ReqRespError('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (deadline !== undefined) {
        timer = setTimeout(
          () => {
            done();
            reject(new ReqRespError('timeout', 'no frame in time'));
          },
          Math.max(0, deadline - Date.now()),
        );
      }
      this.wake = () => {
        done();
        resolve();
      };
    });
  }

  private setPaused(paused: boolean): void {
    try {
      if (paused) this.stream.pause();
      else this.stream.resume();
      this.paused = paused;
    } catch {
      // The readable end is closing: nothing more will arrive to pause or resume.
    }
  }

  private readonly onMessage = (event: { data: Uint8Array | Uint8ArrayList }): void => {
    this.buffer.append(event.data);
    // Pause only while the consumer is busy: a waiting reader needs these bytes.
    if (this.wake) this.wake();
    else if (
      !this.paused &&
      this.highWaterMark !== undefined &&
      this.buffer.byteLength > this.highWaterMark
    ) {
      this.setPaused(true);
    }
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake?.();
  };

  private readonly onClose = (event: Event & { error?: Error }): void => {
    if (event.error) this.failure = event.error;
    this.ended = true;
    this.wake?.();
  };
}

export interface FrameWriterOptions {
  /** Aborts a write waiting for the stream to drain. */
  signal?: AbortSignal;
  /** Fail with `timeout` when the stream does not drain within this many ms. */
  drainTimeoutMs: number;
  /** Queue small frames until this many bytes are waiting, then send them at once
   *  (one muxer frame and one encryption instead of one per frame). */
  coalesceBytes?: number;
}

/** Writes frames, coalescing small ones; `flush` sends what is queued. */
export class FrameWriter {
  private pending = new Uint8ArrayList();

  constructor(
    private readonly stream: MessageStream,
    private readonly options: FrameWriterOptions,
  ) {}

  /** Queues one frame made of `parts` (not copied), sending once enough is queued. */
  async write(...parts: Uint8Array[]): Promise<void> {
    let length = 0;
    for (const part of parts) length += part.byteLength;
    this.pending.append(encodeVarint(length), ...parts);
    if (this.pending.byteLength >= (this.options.coalesceBytes ?? 0)) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.byteLength === 0) return;
    const data = this.pending;
    this.pending = new Uint8ArrayList();
    let sent: boolean;
    try {
      sent = this.stream.send(data);
    } catch (err) {
      throw new ReqRespError('stream_reset', (err as Error).message, { cause: err });
    }
    if (!sent) await this.drain();
  }

  private async drain(): Promise<void> {
    const timeout = AbortSignal.timeout(this.options.drainTimeoutMs);
    const { signal } = this.options;
    try {
      await this.stream.onDrain({ signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (err) {
      if (signal?.aborted) throw new ReqRespError('aborted');
      if (timeout.aborted) throw new ReqRespError('timeout', 'the stream did not drain in time');
      throw new ReqRespError('stream_reset', (err as Error).message, { cause: err });
    }
  }
}
