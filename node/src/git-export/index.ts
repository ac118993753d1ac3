// A target's canonical chain as a real git repository (`nightshift export-git`).
export {
  EXPORT_BRANCH,
  ExportError,
  type ExportErrorCode,
  type ExportResult,
  type ExportStore,
  exportChain,
} from './export-chain.ts';
export { GitError } from './git.ts';
export { commitMessage, TRAILER } from './message.ts';
