/**
 * @nightshift/runner: runs one experiment of a target on a tree under bubblewrap, with the
 * target's limits, and returns a typed outcome with a receipt. See README.md.
 */
export { findBubblewrap, INSTALL_HINT, SYSTEM_DIRS, SYSTEM_ETC } from './bubblewrap.ts';
export { environmentClass } from './environment.ts';
export { isRunnerError, RunnerError, type RunnerErrorCode } from './errors.ts';
export { PREDICTOR_IN_FD, PREDICTOR_OUT_FD, SANDBOX_PATH_ENV, SANDBOX_PATHS } from './layout.ts';
export type { TreeSource } from './materialize.ts';
export { checkMetric, type MetricRange, parseMetricText } from './metric.ts';
export {
  type BadMetricReason,
  type LimitName,
  type Outcome,
  type OutcomeKind,
  type Phase,
  reasonCode,
} from './outcome.ts';
export { attestationReceipt, type PhaseReceipt, type RunReceipt } from './receipt.ts';
export {
  type PhaseLog,
  Runner,
  type RunnerModules,
  type RunnerOptions,
  type RunRequest,
  type RunResult,
} from './runner.ts';
export { RUNNER_ID, RUNNER_NAME, RUNNER_VERSION } from './version.ts';
