/** Typed errors of reading a target directory: callers branch on `code`, never on text. */
export type TargetDirErrorCode =
  /** The directory has no `target.json`. */
  | 'manifest_missing'
  /** `target.json` is not JSON, or a field is missing or of the wrong type (the message names it). */
  | 'manifest_invalid'
  /** A file cannot be part of a tree: a symbolic link, a special file, or an invalid path. */
  | 'file_invalid';

export class TargetDirError extends Error {
  static override readonly name = 'TargetDirError';
  override readonly name = TargetDirError.name;

  constructor(
    readonly code: TargetDirErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isTargetDirError(err: unknown, code?: TargetDirErrorCode): err is TargetDirError {
  return err instanceof TargetDirError && (code === undefined || err.code === code);
}
