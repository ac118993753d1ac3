/**
 * Typed sync errors: what a peer's responses did wrong, or why a sync could not finish.
 * Callers branch on `code`. RESPONSE_PENALTY is the one place that decides what each fault
 * (of a response, whether found by sync or by the request layer) costs the peer that sent it.
 */
import type { ErrorCode } from '@nightshift/protocol';
import type { ReqRespErrorCode } from '../reqresp/index.ts';

export type SyncErrorCode =
  /** An entry of a range response is not at the height asked for (from, from + 1, ...). */
  | 'range_bad_height'
  /** An entry of a range response belongs to another target. */
  | 'range_wrong_target'
  /** An entry of a range response does not name the entry before it as its parent. */
  | 'range_broken_link'
  /** Bytes a peer sent do not decode as the object asked for. */
  | 'undecodable'
  /** A received entry fails validateEntry with a `reject`: provably invalid. */
  | 'invalid_entry'
  /** A received entry cannot be checked (validateEntry's `ignore`, e.g. from the future). */
  | 'entry_not_checkable'
  /** A fetched target fails validateTarget or validateTargetFiles with a `reject`. */
  | 'invalid_target'
  /** A fetched tree fails validateTree (paths). */
  | 'invalid_tree'
  /** Fetched bytes do not hash to the hash asked for, or a blob is not its tree's size. */
  | 'hash_mismatch'
  /** The peer announced a head of a target it then would not serve. */
  | 'unavailable'
  /** No peer could provide an object (every one lacked it or failed). */
  | 'not_found_anywhere'
  /** Walking back never reached an entry both chains share. */
  | 'no_common_ancestor'
  /** The sync component stopped, or the peer is banned. */
  | 'stopped';

export class SyncError extends Error {
  static override readonly name = 'SyncError';
  override readonly name = SyncError.name;

  constructor(
    readonly code: SyncErrorCode,
    message?: string,
    /** For `invalid_*` and `entry_not_checkable`: the protocol's error code. */
    readonly protocolCode?: ErrorCode,
  ) {
    super(message ? `${code}: ${message}` : code);
  }
}

export function isSyncError(err: unknown, code?: SyncErrorCode): err is SyncError {
  return (
    err instanceof Error &&
    err.name === SyncError.name &&
    (code === undefined || (err as SyncError).code === code)
  );
}

/** Penalty points for a fault in a peer's response (see PeerPenalties: 100 bans). */
export const RESPONSE_PENALTY: Partial<Record<SyncErrorCode | ReqRespErrorCode, number>> = {
  // Provably forged or broken objects: one is enough.
  invalid_entry: 100,
  invalid_target: 100,
  invalid_tree: 100,
  hash_mismatch: 100,
  range_bad_height: 100,
  range_wrong_target: 100,
  range_broken_link: 100,
  undecodable: 100,
  // Broken framing or protocol.
  bad_response: 50,
  frame_too_large: 50,
  frame_invalid_length: 50,
  frame_truncated: 20,
  // Announced what it cannot serve.
  unavailable: 10,
  // Slow or failing: could be the network.
  timeout: 5,
  server_error: 5,
};
