// Read-only views of the store as plain, JSON-ready data: what `nightshift log`, export-git
// and the HTTP API show. Pure functions over the store's repositories; no printing, no I/O
// beyond the store's reads.
export {
  type ChainStore,
  type ChainView,
  type ChainViewOptions,
  chainView,
  type EntryRow,
  entryRow,
  entryView,
  type TargetSummary,
  targetSummary,
  type VerifierView,
} from './chain.ts';
export { type KeyView, keyView, shortPeerId } from './keys.ts';
export {
  diffLines,
  type Edit,
  type EditKind,
  MAX_EDITS,
  splitLines,
  type UnifiedDiffOptions,
  unifiedDiff,
} from './line-diff.ts';
export {
  asText,
  DEFAULT_MAX_DIFF_BYTES,
  type DiffStore,
  type EntryDiff,
  entryDiff,
  type FileChange,
  type FileStatus,
  type NoDiffReason,
  type TreeDiffOptions,
  treeDiff,
} from './tree-diff.ts';
