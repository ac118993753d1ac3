/**
 * `/nightshift/fetch/1`: objects of one kind by hash, answered in the order asked. A target,
 * tree or entry is one `ok` frame of its canonical bytes; a blob is `ok` frames of its
 * content in pieces of at most 1 MiB, ended by an empty `ok` frame; an object the responder
 * lacks is one `not_found` frame, and the response goes on with the next hash.
 */
import {
  type ByteRange,
  decodeFetchRequest,
  type FetchKind,
  type Hash,
} from '@nightshift/protocol';
import { BLOB_PIECE_BYTES } from '../constants.ts';
import { ReqRespError } from '../errors.ts';
import { notFound, ok, type ResponseChunk } from '../response.ts';
import { decodeRequest, type HandlerContext, type ServedStore } from './request.ts';

const END_OF_BLOB = new Uint8Array(0);

export async function* serveFetch(
  request: Uint8Array,
  { store }: HandlerContext,
): AsyncIterable<ResponseChunk> {
  const { kind, hashes, range } = decodeRequest(decodeFetchRequest, request);
  if (hashes.length === 0) throw new ReqRespError('invalid_request', 'no hashes');
  if (range && (kind !== 'blob' || hashes.length !== 1)) {
    throw new ReqRespError('invalid_request', 'a range is for exactly one blob');
  }
  for (const hash of hashes) {
    if (kind === 'blob') {
      const pieces = await blobPieces(store, hash, range);
      if (!pieces) {
        yield notFound();
        continue;
      }
      for await (const piece of pieces) yield ok(piece);
      yield ok(END_OF_BLOB);
    } else {
      const bytes = await objectBytes(store, kind, hash);
      yield bytes ? ok(bytes) : notFound();
    }
  }
}

function objectBytes(store: ServedStore, kind: Exclude<FetchKind, 'blob'>, hash: Hash) {
  switch (kind) {
    case 'target':
      return store.targets.getBytes(hash);
    case 'tree':
      return store.trees.getBytes(hash);
    case 'entry':
      return store.entries.getBytes(hash);
  }
}

/** The blob's content (or the asked range of it) in pieces; undefined when not stored. */
function blobPieces(store: ServedStore, hash: Hash, range: ByteRange | undefined) {
  return store.blobs.read(hash, { ...(range && { range }), pieceBytes: BLOB_PIECE_BYTES });
}
