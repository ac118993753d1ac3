/**
 * Response frames: the first byte is a result code (RESULT), the rest is the payload: an
 * object's bytes or a blob piece for `ok`, a short UTF-8 message for an error. An error
 * frame ends the response, except `not_found` for one item of a fetch.
 */
import { ERROR_MESSAGE_BYTES, RESULT, type ResultName } from './constants.ts';
import { ReqRespError } from './errors.ts';

export interface ResponseChunk {
  result: ResultName;
  payload: Uint8Array;
}

const RESULT_BY_BYTE = new Map<number, ResultName>(
  Object.entries(RESULT).map(([name, byte]) => [byte, name as ResultName]),
);

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

export const ok = (payload: Uint8Array): ResponseChunk => ({ result: 'ok', payload });

export function errorChunk(result: Exclude<ResultName, 'ok'>, message = ''): ResponseChunk {
  const bytes = encoder.encode(message);
  // Cut at a byte bound; a split character only garbles the tail of a diagnostic message.
  return {
    result,
    payload: bytes.length > ERROR_MESSAGE_BYTES ? bytes.slice(0, ERROR_MESSAGE_BYTES) : bytes,
  };
}

export const notFound = (): ResponseChunk => ({ result: 'not_found', payload: EMPTY });

/** The result byte of a chunk: written before its payload, in the same frame. */
export const resultByte = (chunk: ResponseChunk): Uint8Array => Uint8Array.of(RESULT[chunk.result]);

/** Reads a response frame; an empty frame or an unknown result byte is `bad_response`. */
export function parseResponse(frame: Uint8Array): ResponseChunk {
  const result = frame.length > 0 ? RESULT_BY_BYTE.get(frame[0]!) : undefined;
  if (!result) throw new ReqRespError('bad_response', 'not a response frame');
  return { result, payload: frame.subarray(1) };
}

/** Throws the responder's error for a non-ok chunk, with the message it sent. */
export function assertOk(chunk: ResponseChunk): Uint8Array {
  if (chunk.result === 'ok') return chunk.payload;
  throw remoteError(chunk);
}

/** The responder's error of a non-ok chunk, with the message it sent. */
export function remoteError(chunk: ResponseChunk): ReqRespError {
  const message = new TextDecoder('utf-8', { fatal: false }).decode(chunk.payload);
  return new ReqRespError(
    chunk.result === 'ok' ? 'bad_response' : chunk.result,
    `from the peer: ${message}`,
  );
}
