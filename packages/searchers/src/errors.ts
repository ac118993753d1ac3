/**
 * Typed searcher errors: the worker branches on `code` (and counts them per code), never on
 * message text. A searcher error costs one iteration of the loop, never the loop itself.
 */
export type SearcherErrorCode =
  /** `createSearcher` was given a name that is not a searcher. */
  | 'unknown_searcher'
  /** The search was cancelled through the context's signal. */
  | 'aborted'
  /** A proposal writes a path outside the target's mutable paths (or not a valid path). */
  | 'forbidden_path'
  /** A proposal changes no byte of any mutable file. */
  | 'no_change'
  /** evolve: the target declares no search space. */
  | 'no_search_space'
  /** evolve: a declared setting has no `NAME = value` line in its file. */
  | 'setting_not_found'
  /** evolve: a numeric setting's value is not a plain number literal. */
  | 'setting_unparseable'
  /** evolve: every nearby settings combination has been tried already. */
  | 'search_exhausted'
  /** command: the command could not start, exited non-zero, or was killed by a signal. */
  | 'command_failed'
  /** command: the command ran past its timeout; its process group was killed. */
  | 'command_timeout'
  /** llm: the endpoint answered with an HTTP status that a retry may fix (429, 5xx, ...). */
  | 'llm_http_error'
  /** llm: the endpoint refused the request itself (400, 401, 403, 404), or the API key's
   *  environment variable is unset: a configuration error, not retried. */
  | 'llm_request_rejected'
  /** llm: no answer within the request timeout. */
  | 'llm_timeout'
  /** llm: the endpoint could not be reached (connection refused, DNS, reset). */
  | 'llm_unreachable'
  /** llm: the response is not chat-completions JSON with a message. */
  | 'llm_bad_response'
  /** llm: the answer holds no whole-file block tagged with a path and no diff. */
  | 'llm_no_edit'
  /** llm: a unified diff that cannot be parsed (no file headers, bad hunk header or line). */
  | 'diff_malformed'
  /** llm: a unified diff whose context or removed lines are not in the file. */
  | 'diff_does_not_apply'
  /** llm: every attempt failed; `failures` holds each attempt's code. */
  | 'llm_failed';

export class SearcherError extends Error {
  static override readonly name = 'SearcherError';
  override readonly name = SearcherError.name;

  constructor(
    readonly code: SearcherErrorCode,
    message: string,
    readonly details: {
      /** forbidden_path: the offending paths. */
      paths?: string[];
      /** llm_failed: what went wrong on each attempt, in order. */
      failures?: SearcherErrorCode[];
      /** command_failed, command_timeout: the end of the command's output, for the log. */
      output?: string;
      cause?: unknown;
    } = {},
  ) {
    super(`${code}: ${message}`, { cause: details.cause });
  }
}

export function isSearcherError(err: unknown, code?: SearcherErrorCode): err is SearcherError {
  return (
    err instanceof Error &&
    err.name === SearcherError.name &&
    (code === undefined || (err as SearcherError).code === code)
  );
}

/** Throws `aborted` when the signal has fired, so loops stop between steps. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new SearcherError('aborted', 'search cancelled');
}
