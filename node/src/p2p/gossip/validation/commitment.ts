/** Validation of a gossiped Commitment (topic `…/<target>/commitments`; PROTOCOL.md §6.3). */
import {
  COMMITMENT,
  type Commitment,
  decodeSigned,
  equalBytes,
  type Hash,
  validateCommitment,
} from '@nightshift/protocol';
import { GossipError } from '../errors.ts';
import { checkSize, duplicate, type TargetMessage, type ValidationModules } from './context.ts';

export interface AcceptedCommitment {
  id: Hash;
  commitment: Commitment;
  /** This node's time of first receipt: what the credit rule (§7.5) trusts. */
  receivedAt: number;
}

/** Decodes, validates and stores a gossiped commitment; throws what makes it unacceptable. */
export async function validateGossipCommitment(
  modules: ValidationModules,
  { data, topicTarget }: TargetMessage,
): Promise<AcceptedCommitment> {
  const { store } = modules;
  const now = modules.now();
  // [REJECT] The message fits the topic's size bound.
  checkSize('commitments', data);
  // [REJECT] The bytes are the canonical encoding of a Commitment (§2.7).
  const { value: commitment, id } = decodeSigned(COMMITMENT, data);
  // [REJECT] The commitment is for the target whose topic it came on.
  if (!equalBytes(commitment.target, topicTarget)) throw new GossipError('topic_mismatch');
  // [IGNORE] The commitment is not already stored (the first receipt time stands).
  if ((await store.commitments.getBytes(id)) !== undefined) throw duplicate('commitment');
  // [IGNORE] The target is known (§6.3 step 1);
  // [IGNORE] the commitment was not signed in the future (step 2);
  // [REJECT] the author's signature is valid (step 3).
  const target = await store.targets.get(commitment.target);
  const error = await validateCommitment(commitment, { target, now, id });
  if (error) throw error;
  const stored = await store.commitments.put(commitment, now);
  if (!stored.added) throw duplicate('commitment');
  return { id, commitment, receivedAt: stored.receivedAt };
}
