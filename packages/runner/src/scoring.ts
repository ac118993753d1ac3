/**
 * The score phase, with the candidate's predictor beside it when the target has one, and the
 * metric read from the score phase's output alone. The harness's fd 3 and fd 4 are joined to
 * the predictor's stdin and stdout; the two run in separate sandboxes, so the predictor never
 * shares a mount, a pid or a file with the process that holds the held-out data.
 */
import type { MetricSpec, Target } from '@nightshift/protocol';
import { LastLineMatch } from './capture.ts';
import { checkMetric, type MetricRange, metricPattern, readJsonMetric } from './metric.ts';
import { limitOutcome, type Outcome } from './outcome.ts';
import { type PhaseLaunch, PhaseProcess, type PhaseResult } from './phase-process.ts';

export interface ScoreLaunches {
  score: PhaseLaunch;
  predict?: PhaseLaunch;
  /** The score output directory (json-file metrics). */
  scoreDir: string;
}

export interface Scored {
  outcome: Outcome;
  results: PhaseResult[];
}

export async function scoreCandidate(
  target: Pick<Target, 'metric' | 'limits'>,
  launches: ScoreLaunches,
  range: MetricRange | undefined,
  track: (process: PhaseProcess) => void,
): Promise<Scored> {
  const matcher = lineMatcher(target.metric);
  const scoreLaunch: PhaseLaunch = { ...launches.score, onStdout: (chunk) => matcher?.push(chunk) };
  const harness = await PhaseProcess.prepare(scoreLaunch);
  const predictor = launches.predict && (await PhaseProcess.prepare(launches.predict));
  track(harness);
  if (predictor) track(predictor);

  // Both start in this one tick: the harness's ends of the two pipes go to the predictor as
  // its stdin and stdout and are closed here before Node could read from them.
  const scoring = harness.spawn(predictor ? ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] : undefined);
  let predicting: Promise<PhaseResult> | undefined;
  if (predictor) {
    const [, , , toPredictor, fromPredictor] = scoring.child.stdio;
    predicting = predictor.spawn([toPredictor, fromPredictor, 'pipe']).done;
    toPredictor?.destroy();
    fromPredictor?.destroy();
    // A predictor stopped at a limit ends the scoring; a finished harness ends the predictor.
    predicting = predicting.then((result) => {
      if (result.limit) harness.stop();
      return result;
    });
  }
  const [score, predict] = await Promise.all([
    scoring.done.finally(() => predictor?.stop()),
    predicting,
  ]);
  const results = predict ? [score, predict] : [score];
  const { limits } = target;
  if (score.limit) return { outcome: limitOutcome('score', score.limit, limits), results };
  if (predict?.limit) return { outcome: limitOutcome('predict', predict.limit, limits), results };
  if (score.exitCode !== 0) {
    // A harness usually fails because its predictor did: report the root cause. The predictor
    // may have exited by itself just before the harness's end made us stop it: a non-zero
    // exit code is its own doing either way, a signal only when we sent none.
    const failedByItself =
      predict !== undefined &&
      ((predict.exitCode !== null && predict.exitCode !== 0) ||
        (!predict.stopped && predict.signal !== null));
    const culprit = failedByItself ? predict : score;
    return { outcome: crashOutcome(culprit), results };
  }
  return {
    outcome: await metricOutcome(target.metric, matcher, launches.scoreDir, range),
    results,
  };
}

export function crashOutcome(result: PhaseResult): Outcome {
  return {
    kind: 'crash',
    phase: result.phase,
    exitCode: result.exitCode,
    signal: result.signal,
    stderrTail: result.stderrTail.slice(-4096),
  };
}

function lineMatcher(metric: MetricSpec): LastLineMatch | undefined {
  if (metric.source !== 'stdout-line') return undefined;
  const pattern = metricPattern(metric);
  return pattern && new LastLineMatch(pattern);
}

async function metricOutcome(
  metric: MetricSpec,
  matcher: LastLineMatch | undefined,
  scoreDir: string,
  range: MetricRange | undefined,
): Promise<Outcome> {
  if (metric.source === 'json-file') {
    const read = await readJsonMetric(scoreDir, metric);
    return read.found ? checkMetric(read.text, range) : { kind: 'no-metric', reason: read.reason };
  }
  if (!matcher) return { kind: 'no-metric', reason: 'the metric pattern does not compile' };
  const text = matcher.end();
  return text === undefined
    ? { kind: 'no-metric', reason: 'no line of the score output matches the metric pattern' }
    : checkMetric(text, range);
}
