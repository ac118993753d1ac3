/**
 * Errors of the HTTP API: one class with a stable code, and the one table that maps each
 * code to an HTTP status. Clients branch on `error.code` in the JSON body, never on text;
 * a refused signed object also carries the protocol's own code as `error.reason`.
 */
export type ApiErrorCode =
  /** The request does not match its route's schema (path, query or body). */
  | 'bad_request'
  /** A write without `Authorization: Bearer <token>`. */
  | 'unauthorized'
  /** A write with a token that is not this node's. */
  | 'forbidden'
  /** No such route, or the named object is not in this node's store. */
  | 'not_found'
  /** The name matches several targets; the message says to give an id. */
  | 'ambiguous'
  /** This node runs no worker to pause or resume. */
  | 'no_worker'
  /** A signed object that the protocol refuses; `reason` is its code (e.g. `bad_signature`). */
  | 'rejected'
  /** The part of the node this request needs is not running (stopping, or not served). */
  | 'unavailable'
  /** An unexpected failure: a bug in nightshift. */
  | 'internal';

export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  ambiguous: 409,
  no_worker: 409,
  rejected: 422,
  unavailable: 503,
  internal: 500,
};

export class ApiError extends Error {
  static override readonly name = 'ApiError';
  override readonly name = ApiError.name;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** For `rejected`: the protocol's reason code. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** The JSON body of every error response. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; reason?: string };
}

export const errorBodySchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(HTTP_STATUS) },
        message: { type: 'string' },
        reason: { type: 'string' },
      },
    },
  },
} as const;

/** The error responses every route declares beside its 200. */
export const errorResponses = {
  '4xx': errorBodySchema,
  '5xx': errorBodySchema,
} as const;
