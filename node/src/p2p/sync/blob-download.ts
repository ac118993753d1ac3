/**
 * One large blob from one peer as byte ranges fetched over several streams at once, yielded
 * in order so the store can hash and write it as it comes. At most `parallel` ranges are in
 * flight or waiting, so memory stays near parallel × segment bytes whatever the blob's size.
 */
import { setMaxListeners } from 'node:events';
import type { PeerId } from '@libp2p/interface';
import type { TreeFile } from '@nightshift/protocol';
import { type ReqResp, ReqRespError } from '../reqresp/index.ts';

export interface DownloadOptions {
  segmentBytes: number;
  parallel: number;
  signal: AbortSignal;
}

export async function* downloadBlob(
  reqResp: Pick<ReqResp, 'fetchBlobs'>,
  peer: PeerId,
  file: TreeFile,
  options: DownloadOptions,
): AsyncGenerator<Uint8Array> {
  const controller = new AbortController();
  const signal = AbortSignal.any([options.signal, controller.signal]);
  // Every range's stream listens to it.
  setMaxListeners(Number.POSITIVE_INFINITY, signal);
  const segments = Math.max(1, Math.ceil(file.size / options.segmentBytes));
  const fetchSegment = (index: number) => {
    const offset = index * options.segmentBytes;
    const length = Math.min(options.segmentBytes, file.size - offset);
    const pieces = collect(reqResp, peer, file, { offset, length }, signal);
    // Awaited in order below; until then a failure must not count as unhandled.
    pieces.catch(() => {});
    return pieces;
  };
  const inFlight: Promise<Uint8Array[]>[] = [];
  let next = 0;
  try {
    for (; next < Math.min(options.parallel, segments); next++) inFlight.push(fetchSegment(next));
    for (let i = 0; i < segments; i++) {
      const pieces = await inFlight.shift()!;
      if (next < segments) inFlight.push(fetchSegment(next++));
      yield* pieces;
    }
  } finally {
    controller.abort();
  }
}

/** The pieces of one range, checked to add up to its length. */
async function collect(
  reqResp: Pick<ReqResp, 'fetchBlobs'>,
  peer: PeerId,
  file: TreeFile,
  range: { offset: number; length: number },
  signal: AbortSignal,
): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  let size = 0;
  for await (const item of reqResp.fetchBlobs(peer, [file.blob], { range, signal })) {
    if (!item.pieces) throw new ReqRespError('not_found', 'blob');
    for await (const piece of item.pieces) {
      size += piece.length;
      if (size > range.length) throw new ReqRespError('bad_response', 'a range longer than asked');
      pieces.push(piece);
    }
  }
  if (size !== range.length) {
    throw new ReqRespError('bad_response', `${size} of ${range.length} bytes of a range`);
  }
  return pieces;
}
