/**
 * Every domain-separation tag and object kind byte, in one place (PROTOCOL.md, "Hashing").
 * A retired tag or kind byte is never reused.
 */

/** The first byte of every encoded object. */
export const KIND = {
  target: 1,
  tree: 2,
  commitment: 3,
  candidate: 4,
  attestation: 5,
  entry: 6,
  status: 7,
  /** Request/response messages (PROTOCOL.md, "Network messages"); never stored or hashed. */
  rangeRequest: 8,
  fetchRequest: 9,
} as const;

export const VERSION = 1;

/** Hash domains: H(tag, data) = SHA-256(u8(len(tag)) ‖ tag ‖ data). */
export const TAG = {
  blob: 'nightshift/v1/blob',
  tree: 'nightshift/v1/tree',
  target: 'nightshift/v1/target',
  commitment: 'nightshift/v1/commitment',
  commitmentValue: 'nightshift/v1/commitment-value',
  candidate: 'nightshift/v1/candidate',
  attestation: 'nightshift/v1/attestation',
  entry: 'nightshift/v1/entry',
  seed: 'nightshift/v1/seed',
} as const;

export type Tag = (typeof TAG)[keyof typeof TAG];
