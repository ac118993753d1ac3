/**
 * Typed request/response errors: callers branch on `code`, never on message text. The codes
 * a responder can send back in a response frame (PROTOCOL.md, "Network messages") are the
 * `RemoteErrorCode`s; the rest are raised locally by framing, timeouts and streams.
 */
export type ReqRespErrorCode =
  /** A frame's length prefix is larger than the protocol's bound for that frame. */
  | 'frame_too_large'
  /** The stream ended inside a frame (its length prefix or its bytes). */
  | 'frame_truncated'
  /** A length prefix that is not a minimal varint of at most the bound's length. */
  | 'frame_invalid_length'
  /** No frame arrived (or a write did not drain) within the time allowed. */
  | 'timeout'
  /** The caller's signal aborted the request, or the component is stopping. */
  | 'aborted'
  /** The remote reset the stream, or the connection closed under it. */
  | 'stream_reset'
  /** No stream could be opened: no connection, or the peer does not speak the protocol. */
  | 'dial_failed'
  /** The request does not decode, or asks for something the protocol does not allow. */
  | 'invalid_request'
  /** The responder refused the request: the peer sent too many, or too many at once. */
  | 'rate_limited'
  /** The responder does not have what was asked for. */
  | 'not_found'
  /** The responder failed while answering. */
  | 'server_error'
  /** Response frames break the protocol: an unknown result code, too many frames, bytes
   *  that are not what was asked for. */
  | 'bad_response'
  /** The peer is banned here for misbehaving; its streams are refused. */
  | 'peer_banned';

export class ReqRespError extends Error {
  static override readonly name = 'ReqRespError';
  override readonly name = ReqRespError.name;

  constructor(
    readonly code: ReqRespErrorCode,
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(message ? `${code}: ${message}` : code, options);
  }
}

export function isReqRespError(err: unknown, code?: ReqRespErrorCode): err is ReqRespError {
  return (
    err instanceof Error &&
    err.name === ReqRespError.name &&
    (code === undefined || (err as ReqRespError).code === code)
  );
}

/** Any failure as a ReqRespError: stream errors from libp2p become `stream_reset`. */
export function asReqRespError(err: unknown): ReqRespError {
  if (isReqRespError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ReqRespError('stream_reset', message, { cause: err });
}
