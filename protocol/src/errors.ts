/**
 * Typed protocol errors. Every failure that protocol/ can report has a stable string code
 * (callers branch on `code`, never on message text) and an action:
 * - `reject`: the object is provably invalid; whoever sent it is at fault (gossip REJECT);
 * - `ignore`: stale, duplicate or not yet checkable; no fault proven (gossip IGNORE).
 * The table below is the single list of codes; PROTOCOL.md documents each one.
 */
export const ERROR_CODES = {
  // Decoding: the bytes are not the canonical encoding of a known object.
  decode_truncated: 'reject',
  decode_too_large: 'reject',
  decode_unknown_kind: 'reject',
  decode_wrong_kind: 'reject',
  decode_unknown_version: 'reject',
  decode_unknown_field: 'reject',
  decode_field_order: 'reject',
  decode_missing_field: 'reject',
  decode_varint_not_minimal: 'reject',
  decode_int_too_large: 'reject',
  decode_float_not_finite: 'reject',
  decode_float_negative_zero: 'reject',
  decode_bad_bool: 'reject',
  decode_bad_enum: 'reject',
  decode_bad_utf8: 'reject',
  decode_too_long: 'reject',
  decode_unsorted: 'reject',

  // Signatures and identities.
  bad_signature: 'reject',

  // Trees.
  tree_invalid_path: 'reject',
  tree_path_conflict: 'reject',
  tree_too_large: 'reject',
  tree_hash_mismatch: 'reject',

  // Target manifests.
  target_invalid_name: 'reject',
  target_invalid_paths: 'reject',
  target_invalid_command: 'reject',
  target_invalid_number: 'reject',
  target_invalid_hardware: 'reject',
  target_invalid_quorum: 'reject',
  target_invalid_metric: 'reject',
  target_invalid_search_space: 'reject',
  target_file_missing: 'reject',

  // References that cannot be resolved yet, or no longer matter.
  unknown_target: 'ignore',
  unknown_parent: 'ignore',
  unknown_candidate: 'ignore',
  stale_parent: 'ignore',
  from_future: 'ignore',
  duplicate: 'ignore',

  // Candidates and commitments.
  unknown_commitment: 'ignore',
  reveal_too_early: 'ignore',
  wrong_target: 'reject',
  immutable_path_changed: 'reject',
  claim_not_improvement: 'reject',
  invalid_genesis: 'reject',
  invalid_text: 'reject',

  // Attestations.
  verifier_not_listed: 'reject',
  attestation_mismatch: 'reject',
  verdict_inconsistent: 'reject',

  // Log entries.
  bad_height: 'reject',
  candidate_mismatch: 'reject',
  quorum_not_met: 'reject',
  metric_mismatch: 'reject',
  not_improvement: 'reject',
  outside_tolerance: 'reject',
  credit_invalid: 'reject',

  // Fork choice, as checked over a stored chain by the auditor.
  head_not_best: 'reject',
} as const satisfies Record<string, ErrorAction>;

export type ErrorAction = 'reject' | 'ignore';
export type ErrorCode = keyof typeof ERROR_CODES;

export class ProtocolError extends Error {
  static override readonly name = 'ProtocolError';
  override readonly name = 'ProtocolError';
  readonly code: ErrorCode;
  readonly action: ErrorAction;

  constructor(code: ErrorCode, detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.code = code;
    this.action = ERROR_CODES[code];
  }
}

/** Shorthand for validators, which return an error instead of throwing. */
export function fail(code: ErrorCode, detail?: string): ProtocolError {
  return new ProtocolError(code, detail);
}

export function isProtocolError(err: unknown): err is ProtocolError {
  return err instanceof Error && err.name === 'ProtocolError' && 'code' in err;
}
