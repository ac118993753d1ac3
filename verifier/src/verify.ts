/**
 * Re-running a candidate (issue 6 §4; DESIGN.md rule 2): `target.runs` runs through the
 * runner with seeds derived from the parent entry (never from the worker), the median of
 * their metrics, and a signed attestation: accept when that median lies within tolerance of
 * the claim and beats the parent's verified metric by minDelta (a baseline has no parent to
 * beat), reject otherwise with the reason. A run that crashes, times out or breaks a limit
 * ends the verification there: it costs that one run.
 */
import type { PrivateKey } from '@libp2p/interface';
import {
  ATTESTATION,
  type Attestation,
  beatsByMinDelta,
  type Candidate,
  deriveSeed,
  type Hash,
  isBaseline,
  LIMITS,
  median,
  publicKeyOf,
  seedBase,
  signObject,
  type Target,
  withinTolerance,
} from '@nightshift/protocol';
import { attestationReceipt, type Runner, type RunResult, reasonCode } from '@nightshift/runner';

export interface VerifyModules {
  runner: Pick<Runner, 'run'>;
  /** This verifier's key: it signs the attestation. */
  key: PrivateKey;
  now: () => number;
  signal?: AbortSignal;
  /** CUDA_VISIBLE_DEVICES for the runs. */
  gpus?: string;
}

export interface VerifyRequest {
  target: Target;
  candidate: Candidate;
  candidateId: Hash;
  /** The commitment credited with the tree (prechecks found it). */
  creditId: Hash;
  /** The parent entry's verified metric; absent for a baseline. */
  parentMetric?: number;
}

export async function verify(request: VerifyRequest, modules: VerifyModules): Promise<Attestation> {
  const { target, candidate } = request;
  const base = seedBase(candidate);
  const runs: number[] = [];
  let first: RunResult | undefined;
  let failed: string | undefined;
  let runtimeMs = 0;
  for (let i = 0; i < target.runs && failed === undefined; i++) {
    const result = await modules.runner.run({
      target,
      tree: candidate.tree,
      seed: deriveSeed(base, i),
      ...(modules.gpus !== undefined && { gpus: modules.gpus }),
      ...(modules.signal && { signal: modules.signal }),
    });
    first ??= result;
    runtimeMs += result.receipt.durationMs;
    if (result.outcome.kind === 'ok') runs.push(result.outcome.metric);
    else failed = reasonCode(result.outcome);
  }
  const measured = runs.length > 0 ? median(runs) : undefined;
  const reason = failed ?? judge(request, measured!);
  return signObject(
    ATTESTATION,
    {
      target: candidate.target,
      candidate: request.candidateId,
      verifier: publicKeyOf(modules.key),
      verdict: reason === 'ok' ? 'accept' : 'reject',
      reason,
      ...(measured !== undefined && { metric: measured }),
      runs,
      extra: first!.extra.slice(0, LIMITS.maxMetrics),
      runtimeMs: Math.round(runtimeMs),
      credit: request.creditId,
      receipt: attestationReceipt(first!.receipt),
      createdAt: modules.now(),
    },
    modules.key,
  );
}

/** `ok`, or why a clean measurement does not earn an entry. */
function judge({ target, candidate, parentMetric }: VerifyRequest, measured: number): string {
  if (!withinTolerance(measured, candidate.claim, target.tolerance)) return 'outside_tolerance';
  if (isBaseline(candidate)) return 'ok';
  const { minDelta, metric } = target;
  return beatsByMinDelta(measured, parentMetric!, minDelta, metric.direction)
    ? 'ok'
    : 'not_improvement';
}
