/**
 * Typed runner errors: callers branch on `code`, never on message text. These are failures to
 * run at all; what an experiment did (crash, timeout, no metric, ...) is an Outcome, not an
 * error.
 */
export type RunnerErrorCode =
  /** bubblewrap is not installed and the caller did not allow unsandboxed runs. */
  | 'sandbox_missing'
  /** bubblewrap is installed but cannot create a sandbox here (its probe failed). */
  | 'sandbox_unusable'
  /** The tree to run is not in the store. */
  | 'tree_missing'
  /** A file of the tree is not in the store. */
  | 'blob_missing'
  /** The tree has a path that could leave the scratch directory, or a file of the wrong size. */
  | 'invalid_tree'
  /** A command of the target is empty or holds a NUL byte, or the request is malformed. */
  | 'invalid_request'
  /** The sandbox wrapper could not be started or could not join its cgroup. */
  | 'spawn_failed'
  /** The caller's AbortSignal fired; every process of the experiment was killed. */
  | 'aborted';

export class RunnerError extends Error {
  static override readonly name = 'RunnerError';
  override readonly name = RunnerError.name;

  constructor(
    readonly code: RunnerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

export function isRunnerError(err: unknown, code?: RunnerErrorCode): err is RunnerError {
  return (
    err instanceof Error &&
    err.name === RunnerError.name &&
    (code === undefined || (err as RunnerError).code === code)
  );
}
