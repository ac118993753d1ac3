/**
 * A researcher's submission of a target: sign the manifest of a target directory, store and
 * gossip the target with its baseline files, measure the baseline through the runner with the
 * seeds a verifier will use, and claim it as a candidate on no parent (commit, then reveal),
 * so that the target's verifiers re-run it and make it entry 0 (PROTOCOL.md §5.6). The
 * submitter's node serves the baseline files until then: verifiers fetch them from it.
 */
import type { PrivateKey } from '@libp2p/interface';
import {
  deriveSeed,
  encodeSigned,
  type Hash,
  hashHex,
  median,
  type PublicKeyBytes,
  peerIdOf,
  publicKeyOf,
  signObject,
  TARGET,
  type Target,
  ZERO_HASH,
} from '@nightshift/protocol';
import type { RunRequest, RunResult } from '@nightshift/runner';
import type { Store } from '@nightshift/store';
import { type TargetDir, unsignedTarget } from '@nightshift/target-dir';
import { abortableSleep } from '../abortable-sleep.ts';
import { type Announcer, announce } from '../worker/announce.ts';

export type SubmitEvent =
  | {
      event: 'published';
      target: string;
      name: string;
      verifiers: string[];
      quorum: number;
    }
  | { event: 'measured'; target: string; metric: number; runs: number[]; seconds: number }
  | { event: 'announced'; target: string; candidate: string; claim: number }
  | { event: 'accepted'; target: string; entry: string; metric: number };

/** Why a submission stopped short of entry 0. */
export type SubmitErrorCode = 'baseline_failed' | 'not_accepted' | 'stopped';

export class SubmitError extends Error {
  constructor(
    readonly code: SubmitErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SubmitError';
  }
}

export interface SubmitOptions {
  verifiers: PublicKeyBytes[];
  /** Defaults to the manifest's quorum, else 1. */
  quorum?: number;
  /** How long to wait for entry 0 after the reveal; 0 returns at once. */
  waitMs: number;
}

export interface SubmitModules {
  store: Store;
  gossip: Announcer & {
    publishTarget(bytes: Uint8Array): Promise<unknown>;
    waitForSubscribers(target: Hash, kind: 'candidates', timeoutMs: number): Promise<boolean>;
  };
  runner: { run(request: RunRequest): Promise<RunResult> };
  key: PrivateKey;
  signal?: AbortSignal;
  onEvent?: (event: SubmitEvent) => void;
  now?: () => number;
}

/** How long to wait for a verifier to follow the new target before revealing the baseline. */
const SUBSCRIBER_WAIT_MS = 10_000;
const POLL_MS = 250;

export async function submitTarget(
  dir: TargetDir,
  options: SubmitOptions,
  modules: SubmitModules,
): Promise<{ id: Hash; target: Target; entry?: Hash }> {
  const { id, target } = await publishTarget(dir, options, modules);
  await claimBaseline(id, target, modules);
  if (options.waitMs <= 0) return { id, target };
  const entry = await waitForGenesis(id, options.waitMs, modules);
  return { id, target, entry };
}

/** Signs the directory's target, stores it with its files, and gossips it. */
export async function publishTarget(
  dir: TargetDir,
  options: Pick<SubmitOptions, 'verifiers' | 'quorum'>,
  modules: SubmitModules,
): Promise<{ id: Hash; target: Target }> {
  const { store, gossip, key } = modules;
  const target = await signObject(
    TARGET,
    unsignedTarget(dir, {
      author: publicKeyOf(key),
      verifiers: options.verifiers,
      ...(options.quorum !== undefined && { quorum: options.quorum }),
      createdAt: (modules.now ?? Date.now)(),
    }),
    key,
  );
  // The files first: a verifier that learns of the target asks this node for them.
  for (const file of dir.files) await store.blobs.put(file.bytes);
  await store.trees.put(dir.tree);
  // Publishing stores the target through gossip's own validation and follows its topics.
  const { id } = (await gossip.publishTarget(encodeSigned(TARGET, target))) as { id: Hash };
  modules.onEvent?.({
    event: 'published',
    target: hashHex(id),
    name: target.name,
    verifiers: target.verifiers.map(peerIdOf),
    quorum: target.quorum,
  });
  return { id, target };
}

/**
 * Measures the baseline of a stored target and claims it (commit, then reveal after the
 * target's delay). Also what a submitter stopped before entry 0 runs again on restart.
 */
export async function claimBaseline(
  id: Hash,
  target: Target,
  modules: SubmitModules,
): Promise<Hash> {
  const { gossip, key, signal } = modules;
  const hex = hashHex(id);
  const measured = await measureBaseline(target, id, modules.runner, signal);
  modules.onEvent?.({ event: 'measured', target: hex, ...measured });
  await gossip.waitForSubscribers(id, 'candidates', SUBSCRIBER_WAIT_MS);
  const { candidate } = await announce(
    {
      target,
      targetId: id,
      parent: ZERO_HASH,
      tree: target.baseline,
      metric: measured.metric,
      experiments: measured.runs.length,
      seconds: measured.seconds,
      description: `baseline of ${target.name}`,
    },
    key,
    gossip,
    { now: modules.now ?? Date.now, sleep: (ms) => abortableSleep(ms, signal) },
  );
  modules.onEvent?.({
    event: 'announced',
    target: hex,
    candidate: hashHex(candidate),
    claim: measured.metric,
  });
  return candidate;
}

/** The baseline's metric as the verifiers will measure it: their seeds, their median. */
async function measureBaseline(
  target: Target,
  id: Hash,
  runner: SubmitModules['runner'],
  signal: AbortSignal | undefined,
): Promise<{ metric: number; runs: number[]; seconds: number }> {
  const runs: number[] = [];
  let seconds = 0;
  for (let i = 0; i < target.runs; i++) {
    if (signal?.aborted)
      throw new SubmitError('stopped', 'stopped before the baseline was measured');
    const { outcome, receipt } = await runner.run({
      target,
      tree: target.baseline,
      // A baseline's seeds derive from the target id (PROTOCOL.md §3.5), as the verifier's do.
      seed: deriveSeed(id, i),
      ...(signal && { signal }),
    });
    seconds += receipt.durationMs / 1000;
    if (outcome.kind !== 'ok') {
      throw new SubmitError(
        'baseline_failed',
        `the baseline's run ${i + 1} of ${target.runs} did not produce a metric (${outcome.kind}); ` +
          'run `nightshift target check` on the directory to see why',
      );
    }
    runs.push(outcome.metric);
  }
  return { metric: median(runs), runs, seconds };
}

/** Entry 0 of the target, once its verifiers have made it (or a coded failure). */
export async function waitForGenesis(
  id: Hash,
  waitMs: number,
  { store, signal, onEvent }: Pick<SubmitModules, 'store' | 'signal' | 'onEvent'>,
): Promise<Hash> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const head = await store.entries.head(id);
    if (head) {
      onEvent?.({
        event: 'accepted',
        target: hashHex(id),
        entry: hashHex(head.head),
        metric: head.metric,
      });
      return head.head;
    }
    if (signal?.aborted) throw new SubmitError('stopped', 'stopped before entry 0 was made');
    if (Date.now() >= deadline) {
      throw new SubmitError(
        'not_accepted',
        `no entry 0 within ${Math.round(waitMs / 1000)} s: are the target's verifiers running ` +
          '(`nightshift verify`) and connected to this node?',
      );
    }
    await abortableSleep(POLL_MS, signal);
  }
}
