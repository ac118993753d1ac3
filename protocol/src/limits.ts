/** Size bounds. Decoding refuses anything larger before it parses a single field. */
export const LIMITS = {
  pathBytes: 1024,
  treeFiles: 100_000,
  treeBytes: 16 * 1024 * 1024,
  /** Sum of the sizes of a tree's files. */
  treeContentBytes: 4 * 1024 * 1024 * 1024,
  targetBytes: 256 * 1024,
  commitmentBytes: 1024,
  candidateBytes: 8 * 1024,
  attestationBytes: 8 * 1024,
  entryBytes: 1024 * 1024,
  statusBytes: 1024 * 1024,
  descriptionBytes: 280,
  maxVerifiers: 64,
  maxRuns: 15,
  maxMetrics: 32,
  maxStatusHeads: 10_000,
  /** How far ahead of a receiver's clock a signed time may be before it is ignored. */
  maxClockSkewMs: 120_000,
  /** The longest reveal delay a target may ask for. */
  maxRevealDelayMs: 600_000,
} as const;
