/** Validation of a gossiped Candidate (topic `…/<target>/candidates`; PROTOCOL.md §6.4). */
import {
  CANDIDATE,
  type Candidate,
  decodeSigned,
  equalBytes,
  type Hash,
  isBaseline,
  validateCandidate,
} from '@nightshift/protocol';
import { GossipError } from '../errors.ts';
import { checkSize, duplicate, type TargetMessage, type ValidationModules } from './context.ts';

export interface AcceptedCandidate {
  id: Hash;
  candidate: Candidate;
  receivedAt: number;
}

/**
 * Decodes, validates (the cheap checks and the signature) and stores a gossiped candidate as
 * `pending`; throws what makes it unacceptable. The tree rule and the reveal delay need the
 * tree and the commitment: a verifier checks them before it spends a run.
 */
export async function validateGossipCandidate(
  modules: ValidationModules,
  { data, topicTarget }: TargetMessage,
): Promise<AcceptedCandidate> {
  const { store } = modules;
  const now = modules.now();
  // [REJECT] The message fits the topic's size bound.
  checkSize('candidates', data);
  // [REJECT] The bytes are the canonical encoding of a Candidate (§2.7).
  const { value: candidate, id } = decodeSigned(CANDIDATE, data);
  // [REJECT] The candidate is for the target whose topic it came on.
  if (!equalBytes(candidate.target, topicTarget)) throw new GossipError('topic_mismatch');
  // [IGNORE] The candidate is not already stored.
  if ((await store.candidates.getBytes(id)) !== undefined) throw duplicate('candidate');
  // [IGNORE] The target is known (§6.4 step 1);
  // [IGNORE] the candidate was not signed in the future (step 2);
  // [REJECT] its description is a printable line (step 3);
  // [REJECT] a baseline is the target's baseline by its author, or else
  //   [IGNORE] the parent entry is known, [REJECT] of this target,
  //   [REJECT] and the claim beats its metric by minDelta (step 4);
  // [IGNORE] the parent is the current canonical head: a candidate on an older entry is
  //   stale, not worth a verifier's run (step 5, with `head` given);
  // [REJECT] the author's signature is valid (step 6).
  const target = await store.targets.get(candidate.target);
  const parent = isBaseline(candidate) ? undefined : await store.entries.get(candidate.parent);
  const head = (await store.entries.head(candidate.target))?.head;
  const error = await validateCandidate(candidate, { target, parent, head, now, id });
  if (error) throw error;
  const stored = await store.candidates.put(candidate, now);
  if (!stored.added) throw duplicate('candidate');
  return { id, candidate, receivedAt: stored.receivedAt };
}
