/**
 * `/nightshift/entries/1`: up to `count` entries of the responder's canonical chain of a
 * target, from height `from` upwards, one frame of canonical entry bytes each. A target it
 * does not follow, or a height above its head, gives an empty response.
 */
import { decodeRangeRequest, REQUEST_LIMITS } from '@nightshift/protocol';
import { ReqRespError } from '../errors.ts';
import { ok, type ResponseChunk } from '../response.ts';
import { decodeRequest, type HandlerContext } from './request.ts';

/** Entries read from the store at once: the first frames leave before the last are read. */
const READ_BATCH = 128;

export async function* serveEntries(
  request: Uint8Array,
  { store }: HandlerContext,
): AsyncIterable<ResponseChunk> {
  const { target, from, count } = decodeRequest(decodeRangeRequest, request);
  if (count < 1 || count > REQUEST_LIMITS.maxRangeCount) {
    throw new ReqRespError(
      'invalid_request',
      `count ${count} outside 1..${REQUEST_LIMITS.maxRangeCount}`,
    );
  }
  const hashes: Uint8Array[] = [];
  for await (const { hash } of store.entries.canonical(target, { from, limit: count })) {
    hashes.push(hash);
  }
  for (let i = 0; i < hashes.length; i += READ_BATCH) {
    const entries = await store.entries.getManyBytes(hashes.slice(i, i + READ_BATCH));
    for (const bytes of entries) {
      // Indexed but not stored: the store is damaged; what is missing cannot be served.
      if (!bytes) throw new ReqRespError('server_error', 'a canonical entry is missing');
      yield ok(bytes);
    }
  }
}
