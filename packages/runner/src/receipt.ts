/**
 * The receipt that comes with every result: what was run, on what, where and how it went, so
 * that anyone can repeat the run and compare. `attestationReceipt` gives the part an
 * attestation signs (protocol's Receipt); the rest is for logs and journals.
 */
import type { Hash, Receipt } from '@nightshift/protocol';
import type { LimitName, Phase } from './outcome.ts';

export interface PhaseReceipt {
  phase: Phase;
  durationMs: number;
  exitCode: number | null;
  signal: string | null;
  /** The limit the phase was stopped at. */
  limit?: LimitName;
  /** The setup phase was not run: its cached result was used. */
  cached?: boolean;
}

export interface RunReceipt {
  /** `nightshift-runner/<version>`. */
  runner: string;
  /** `none` only in the caller's explicit unsafe mode. */
  sandbox: 'bubblewrap' | 'none';
  /** How each limit was enforced, at its weakest over the phases (README, "Limits"). */
  enforcement: {
    memory: 'cgroup' | 'polled';
    tasks: 'cgroup' | 'rlimit' | 'polled';
    outputFiles: 'tmpfs' | 'polled';
  };
  /** Whether the phases ran as a fresh unprivileged uid (the runner was root) or as the runner's own. */
  sandboxUser: boolean;
  tree: Hash;
  /** Tree hash of the harness files (protocol's `harnessHash`). */
  harness: Hash;
  /** Tree hash of the held-out files (protocol's `heldOutHash`). */
  data: Hash;
  /** NIGHTSHIFT_SEED as the phases saw it. */
  seed: number;
  /** The seed hash it came from (protocol `deriveSeed`), when the caller gave one. */
  seedHash?: Hash;
  commands: { setup?: string[]; run: string[]; predict?: string[]; score: string[] };
  /** CUDA_VISIBLE_DEVICES as the phases saw it; empty for none. */
  gpus: string;
  environment: string;
  phases: PhaseReceipt[];
  startedAt: number;
  durationMs: number;
}

/** The receipt an attestation carries (PROTOCOL.md §5.5). Needs the seed hash. */
export function attestationReceipt(receipt: RunReceipt): Receipt {
  if (!receipt.seedHash) throw new TypeError('an attestation receipt needs the seed hash');
  return {
    tree: receipt.tree,
    harness: receipt.harness,
    data: receipt.data,
    seed: receipt.seedHash,
    environment: receipt.environment,
    runner: receipt.runner,
  };
}
