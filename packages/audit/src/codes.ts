/**
 * What an audit can find wrong. Protocol rule violations keep protocol's own codes (see
 * ERROR_CODES in @nightshift/protocol and PROTOCOL.md): `bad_signature`, `not_improvement`,
 * `quorum_not_met`, `head_not_best`, ... The codes below exist only for a stored chain, where
 * bytes sit under keys and indexes can disagree with what they index; this is their one list.
 */
import type { ErrorCode } from '@nightshift/protocol';

export const AUDIT_CODES = {
  hash_mismatch: 'the stored bytes do not hash to the key they are stored under',
  missing_entry: 'an index names an entry that is not stored',
  index_mismatch: 'an entry is indexed under a target or height other than its own',
  missing_parent: "an entry's parent is not among the stored entries of its target",
  invalid_parent: 'an entry extends an entry that failed the audit, so no valid chain holds it',
  chain_mismatch: 'the stored canonical chain is not the walk back from the best valid head',
  unindexed_entry: "an entry is stored by hash but in no target's height index",
} as const;

export type AuditOnlyCode = keyof typeof AUDIT_CODES;
export type AuditCode = AuditOnlyCode | ErrorCode;

/** One line on what a code means, for reports. */
export function describeCode(code: AuditCode): string {
  if (code in AUDIT_CODES) return AUDIT_CODES[code as AuditOnlyCode];
  if (code === 'head_not_best') return 'the stored head is not the best valid entry';
  if (code === 'unknown_target') return 'the target is not stored';
  return `breaks the protocol rule ${code} (PROTOCOL.md)`;
}
