import '../../polyfill.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { streamPair } from '@libp2p/utils';
import { isReqRespError, type ReqRespErrorCode } from './errors.ts';
import { FrameReader, FrameWriter } from './frames.ts';
import { encodeVarint, readVarint } from './varint.ts';

async function rejectsWith(promise: Promise<unknown>, code: ReqRespErrorCode) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isReqRespError(err), String(err));
    assert.equal(err.code, code, err.message);
    return true;
  });
}

async function pair(maxFrameBytes = 1024, highWaterMark?: number) {
  const [outbound, inbound] = await streamPair();
  const reader = new FrameReader(inbound, {
    maxFrameBytes,
    ...(highWaterMark !== undefined && { highWaterMark }),
  });
  return { outbound, inbound, reader };
}

describe('frame length prefixes', () => {
  it('are minimal varints, read back whole or reported incomplete', () => {
    for (const n of [0, 1, 127, 128, 300, 16 * 1024 * 1024]) {
      const bytes = encodeVarint(n);
      assert.deepEqual(
        readVarint((i) => bytes[i]!, bytes.length, 8),
        {
          kind: 'value',
          value: n,
          bytes: bytes.length,
        },
      );
      assert.deepEqual(
        readVarint((i) => bytes[i]!, bytes.length - 1, 8),
        {
          kind: 'incomplete',
        },
      );
    }
    const notMinimal = [0x80, 0x00];
    assert.deepEqual(
      readVarint((i) => notMinimal[i]!, 2, 8),
      { kind: 'invalid' },
    );
    const tooLong = [0xff, 0xff, 0x01];
    assert.deepEqual(
      readVarint((i) => tooLong[i]!, 3, 2),
      { kind: 'invalid' },
    );
  });
});

describe('frames', () => {
  it('arrive whole and in order, empty ones too, however the bytes are split', async () => {
    const { outbound, reader } = await pair();
    const frames = [Uint8Array.of(1, 2, 3), new Uint8Array(0), new Uint8Array(1000).fill(7)];
    const wire = new Uint8Array(frames.reduce((n, f) => n + f.length + 2, 0));
    let at = 0;
    for (const frame of frames) {
      const prefix = encodeVarint(frame.length);
      wire.set(prefix, at);
      wire.set(frame, at + prefix.length);
      at += prefix.length + frame.length;
    }
    // One byte at a time: prefixes and bodies split everywhere.
    for (let i = 0; i < at; i++) outbound.send(wire.subarray(i, i + 1));
    await outbound.close();
    for (const frame of frames) assert.deepEqual(await reader.read(), frame);
    assert.equal(await reader.read(), undefined);
  });

  it('are coalesced by the writer and read back one by one', async () => {
    const { outbound, reader } = await pair();
    const writer = new FrameWriter(outbound, { drainTimeoutMs: 1000, coalesceBytes: 1 << 16 });
    for (let i = 0; i < 100; i++) await writer.write(Uint8Array.of(i), new Uint8Array(10).fill(i));
    await writer.flush();
    await outbound.close();
    for (let i = 0; i < 100; i++) {
      const frame = await reader.read();
      assert.equal(frame?.length, 11);
      assert.equal(frame?.[0], i);
    }
    assert.equal(await reader.read(), undefined);
  });

  it('over the bound fail from the prefix alone, before the bytes are sent', async () => {
    const { outbound, reader } = await pair(1024);
    outbound.send(encodeVarint(1025));
    await rejectsWith(reader.read(), 'frame_too_large');
  });

  it('cut short by the end of the stream fail as truncated, prefix or body', async () => {
    const body = await pair();
    body.outbound.send(Uint8Array.of(10, 1, 2, 3));
    await body.outbound.close();
    await rejectsWith(body.reader.read(), 'frame_truncated');
    const prefix = await pair();
    prefix.outbound.send(Uint8Array.of(0x80));
    await prefix.outbound.close();
    await rejectsWith(prefix.reader.read(), 'frame_truncated');
  });

  it('with a garbage prefix fail as invalid lengths', async () => {
    const endless = await pair();
    endless.outbound.send(new Uint8Array(10).fill(0xff));
    await rejectsWith(endless.reader.read(), 'frame_invalid_length');
    const padded = await pair();
    padded.outbound.send(Uint8Array.of(0x81, 0x00));
    await rejectsWith(padded.reader.read(), 'frame_invalid_length');
  });

  it('that do not come in time fail with timeout; an aborted read fails with aborted', async () => {
    const { outbound, reader } = await pair();
    outbound.send(Uint8Array.of(5, 1));
    await rejectsWith(reader.read({ timeoutMs: 20 }), 'timeout');
    const controller = new AbortController();
    const read = reader.read({ signal: controller.signal });
    controller.abort();
    await rejectsWith(read, 'aborted');
  });

  it('stop at a reset of the stream with stream_reset', async () => {
    const { outbound, reader } = await pair();
    outbound.send(Uint8Array.of(5, 1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    outbound.abort(new Error('gone'));
    await rejectsWith(reader.read({ timeoutMs: 1000 }), 'stream_reset');
  });

  it('pause the stream while the reader lags behind, and resume it as it reads', async () => {
    const { outbound, inbound, reader } = await pair(1024, 2048);
    const writer = new FrameWriter(outbound, { drainTimeoutMs: 1000 });
    for (let i = 0; i < 8; i++) await writer.write(new Uint8Array(1000).fill(i));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(inbound.readStatus, 'paused');
    for (let i = 0; i < 8; i++) assert.equal((await reader.read({ timeoutMs: 1000 }))?.[0], i);
    assert.equal(inbound.readStatus, 'readable');
  });
});
