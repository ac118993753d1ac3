/**
 * Errors of the HTTP API: one class with a stable code, and the one table that maps each
 * code to an HTTP status. Clients branch on `error.code` in the JSON body, never on text.
 */
export type ApiErrorCode =
  /** The request does not match its route's schema (path, query or body). */
  | 'bad_request'
  /** No such route, or the named object is not in this node's store. */
  | 'not_found'
  /** An unexpected failure: a bug in nightshift. */
  | 'internal';

export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  internal: 500,
};

export class ApiError extends Error {
  static override readonly name = 'ApiError';
  override readonly name = ApiError.name;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON body of every error response. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
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
      },
    },
  },
} as const;
