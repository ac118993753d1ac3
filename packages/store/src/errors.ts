/**
 * Typed store errors: callers branch on `code`, never on message text. Protocol rule
 * violations are not store errors: the store does not validate (see validated-add.ts).
 */
export type StoreErrorCode =
  /** Another process (or another Store in this one) holds the LevelDB lock. */
  | 'store_locked'
  /** The store was written by a layout version this code does not read. */
  | 'unsupported_layout'
  /** A metadata record cannot be decoded: the store is damaged. */
  | 'corrupt_record'
  /** Content does not hash to the hash it was written under. */
  | 'hash_mismatch'
  /** An entry names a target that is not stored. */
  | 'unknown_target'
  /** An entry above height 0 names a parent (`prev`) that is not stored. */
  | 'unknown_parent'
  /** An entry's height or target does not follow from its parent's, or height 0 has a parent. */
  | 'bad_link'
  /** A candidate status change names a candidate that is not stored. */
  | 'unknown_candidate'
  /** A candidate status change that the status machine does not allow. */
  | 'invalid_transition';

export class StoreError extends Error {
  static override readonly name = 'StoreError';
  override readonly name = StoreError.name;

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return (
    err instanceof Error &&
    err.name === StoreError.name &&
    (code === undefined || (err as StoreError).code === code)
  );
}
