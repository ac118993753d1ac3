/** Request/response protocols of a nightshift peer (PROTOCOL.md, "Network messages"). */
export type { ReqRespHost, RequestOptions } from './client.ts';
export {
  BLOB_PIECE_BYTES,
  DEFAULT_REQRESP_OPTIONS,
  PROTOCOLS,
  type ProtocolName,
  type RateLimit,
  RESULT,
  type ReqRespOptions,
  type ResultName,
} from './constants.ts';
export { isReqRespError, ReqRespError, type ReqRespErrorCode } from './errors.ts';
export { FrameReader, FrameWriter } from './frames.ts';
export type { ServedStore } from './handlers/request.ts';
export { PeerPenalties } from './penalties.ts';
export { ConcurrencyLimit, TokenBuckets } from './rate-limit.ts';
export { ReqResp, type ReqRespEvents, type ReqRespModules } from './reqresp.ts';
export type { BlobItem } from './requester.ts';
export { INBOUND_PENALTY, type RequestEvent } from './responder.ts';
