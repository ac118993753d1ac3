/**
 * `/nightshift/status/1`: the requester sends its Status, the responder answers with its own:
 * the canonical head of every target it has entries of, sorted by target id.
 */
import { decodeStatus, encodeStatus, LIMITS, type Status } from '@nightshift/protocol';
import { ok, type ResponseChunk } from '../response.ts';
import { decodeRequest, type HandlerContext } from './request.ts';

export async function localStatus(store: HandlerContext['store']): Promise<Status> {
  const heads = await store.entries.heads();
  return { heads: heads.slice(0, LIMITS.maxStatusHeads) };
}

export function statusHandler(onStatus: (peer: string, status: Status) => void) {
  return async function* serveStatus(
    request: Uint8Array,
    context: HandlerContext,
  ): AsyncIterable<ResponseChunk> {
    const status = decodeRequest(decodeStatus, request);
    onStatus(context.peer, status);
    yield ok(encodeStatus(await localStatus(context.store)));
  };
}
