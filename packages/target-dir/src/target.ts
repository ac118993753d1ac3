/**
 * The Target a directory describes, once the submitter supplies what the directory does not
 * decide: the author's key, the verifier set and its quorum, and the time. The caller signs
 * it (protocol's `signObject(TARGET, unsigned, key)`).
 */
import {
  compareBytes,
  type PublicKeyBytes,
  type Target,
  type Unsigned,
} from '@nightshift/protocol';
import type { TargetDir } from './load.ts';

export interface Submission {
  author: PublicKeyBytes;
  verifiers: PublicKeyBytes[];
  /** Defaults to the manifest's `quorum`, else 1. */
  quorum?: number;
  createdAt: number;
}

export function unsignedTarget(dir: TargetDir, submission: Submission): Unsigned<Target> {
  const { quorum: manifestQuorum, ...manifest } = dir.manifest;
  return {
    ...manifest,
    author: submission.author,
    baseline: dir.treeHash,
    verifiers: [...submission.verifiers].sort(compareBytes),
    quorum: submission.quorum ?? manifestQuorum ?? 1,
    createdAt: submission.createdAt,
  };
}
