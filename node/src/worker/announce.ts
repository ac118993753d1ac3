/**
 * Commit-reveal (DESIGN.md, "stolen candidate"): the commitment H(tree ‖ author ‖ salt) is
 * gossiped first; the candidate, which reveals the tree and the salt, only after the target's
 * reveal delay, so that whoever copies it is later than our commitment and gains nothing.
 */
import { randomBytes } from 'node:crypto';
import type { PrivateKey } from '@libp2p/interface';
import {
  CANDIDATE,
  type Candidate,
  COMMITMENT,
  commitmentValue,
  encodeSigned,
  type Hash,
  idOf,
  publicKeyOf,
  signObject,
  type Target,
} from '@nightshift/protocol';

/** Where announcements go: the gossip layer (which also stores them locally). */
export interface Announcer {
  publishCommitment(bytes: Uint8Array): Promise<unknown>;
  publishCandidate(bytes: Uint8Array): Promise<unknown>;
}

export interface Claim {
  target: Target;
  targetId: Hash;
  /** The head entry the tree was built and measured on. */
  parent: Hash;
  tree: Hash;
  metric: number;
  experiments: number;
  seconds: number;
  description: string;
}

/** Slack over the reveal delay, for clock differences between peers. */
export const REVEAL_SLACK_MS = 500;

export async function announce(
  claim: Claim,
  key: PrivateKey,
  announcer: Announcer,
  { now, sleep }: { now: () => number; sleep: (ms: number) => Promise<void> },
): Promise<{ commitment: Hash; candidate: Hash }> {
  const author = publicKeyOf(key);
  const salt = new Uint8Array(randomBytes(32));
  const commitment = await signObject(
    COMMITMENT,
    {
      target: claim.targetId,
      author,
      value: commitmentValue(claim.tree, author, salt),
      createdAt: now(),
    },
    key,
  );
  await announcer.publishCommitment(encodeSigned(COMMITMENT, commitment));
  await sleep(claim.target.revealDelayMs + REVEAL_SLACK_MS);
  const candidate: Candidate = await signObject(
    CANDIDATE,
    {
      target: claim.targetId,
      parent: claim.parent,
      tree: claim.tree,
      salt,
      claim: claim.metric,
      effort: { experiments: claim.experiments, seconds: Math.round(claim.seconds) },
      description: claim.description,
      author,
      createdAt: now(),
    },
    key,
  );
  await announcer.publishCandidate(encodeSigned(CANDIDATE, candidate));
  return { commitment: idOf(COMMITMENT, commitment), candidate: idOf(CANDIDATE, candidate) };
}
