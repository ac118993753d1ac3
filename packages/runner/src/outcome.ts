/**
 * What an experiment came to. Limits and crashes name the phase they happened in; the metric
 * comes from the score phase only (DESIGN rule 1).
 */

/** `predict` is the candidate's predictor, which runs beside the score phase. */
export type Phase = 'setup' | 'run' | 'predict' | 'score';

/** The limits of a target's `limits`, by the name an outcome reports. */
export type LimitName = 'wall' | 'memory' | 'output' | 'processes';

export type BadMetricReason = 'nan' | 'infinite' | 'out-of-range' | 'not-a-number';

export type Outcome =
  | { kind: 'ok'; metric: number }
  | {
      kind: 'crash';
      phase: Phase;
      /** The command's exit status; null when it was ended by a signal. */
      exitCode: number | null;
      signal: string | null;
      /** The last lines of the phase's stderr (bounded). */
      stderrTail: string;
    }
  | { kind: 'timeout'; phase: Phase; limitSeconds: number }
  | { kind: 'out-of-memory'; phase: Phase; limitMb: number }
  /** stdout and stderr together, or the files written to an output directory, passed the limit. */
  | { kind: 'output-limit'; phase: Phase; limitMb: number }
  | { kind: 'process-limit'; phase: Phase; limit: number }
  /** The score phase succeeded but its output holds no metric where the manifest says. */
  | { kind: 'no-metric'; reason: string }
  /** The metric was found but is not a usable number. `value` is the text when unparsable. */
  | { kind: 'bad-metric'; value: number | string; reason: BadMetricReason };

export type OutcomeKind = Outcome['kind'];

/**
 * The attestation reason code of an outcome (`^[a-z][a-z0-9_]{0,63}$`, PROTOCOL.md §5.5):
 * `ok`, `run_timeout`, `score_crash`, `predict_out_of_memory`, `no_metric`, `bad_metric`, ...
 */
export function reasonCode(outcome: Outcome): string {
  const kind = outcome.kind.replaceAll('-', '_');
  return 'phase' in outcome ? `${outcome.phase}_${kind}` : kind;
}

/** The outcome that a phase stopped at a limit reports. */
export function limitOutcome(
  phase: Phase,
  limit: LimitName,
  limits: { wallSeconds: number; memoryMb: number; outputMb: number; processes: number },
): Outcome {
  switch (limit) {
    case 'wall':
      return { kind: 'timeout', phase, limitSeconds: limits.wallSeconds };
    case 'memory':
      return { kind: 'out-of-memory', phase, limitMb: limits.memoryMb };
    case 'output':
      return { kind: 'output-limit', phase, limitMb: limits.outputMb };
    case 'processes':
      return { kind: 'process-limit', phase, limit: limits.processes };
  }
}
