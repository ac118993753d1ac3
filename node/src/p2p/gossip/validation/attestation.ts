/** Validation of a gossiped Attestation (topic `…/<target>/attestations`; PROTOCOL.md §6.5). */
import {
  ATTESTATION,
  type Attestation,
  decodeSigned,
  equalBytes,
  type Hash,
  isBaseline,
  validateAttestation,
} from '@nightshift/protocol';
import { GossipError } from '../errors.ts';
import { checkSize, duplicate, type TargetMessage, type ValidationModules } from './context.ts';

export interface AcceptedAttestation {
  id: Hash;
  attestation: Attestation;
}

/** Decodes, validates and stores a gossiped attestation; throws what makes it unacceptable. */
export async function validateGossipAttestation(
  modules: ValidationModules,
  { data, topicTarget }: TargetMessage,
): Promise<AcceptedAttestation> {
  const { store } = modules;
  const now = modules.now();
  // [REJECT] The message fits the topic's size bound.
  checkSize('attestations', data);
  // [REJECT] The bytes are the canonical encoding of an Attestation (§2.7).
  const { value: attestation, id } = decodeSigned(ATTESTATION, data);
  // [REJECT] The attestation is for the target whose topic it came on.
  if (!equalBytes(attestation.target, topicTarget)) throw new GossipError('topic_mismatch');
  // [IGNORE] The attestation is not already stored.
  if ((await store.attestations.getBytes(id)) !== undefined) throw duplicate('attestation');
  // [IGNORE] The target is known (§6.5 step 1);
  // [REJECT] the verifier is listed (step 2);
  // [IGNORE] it was not signed in the future (step 3);
  // [REJECT] reason, verdict, runs and metric agree (steps 4–8);
  // [IGNORE] the attested candidate is known (step 9);
  // [REJECT] it names the candidate's target, tree and seed (step 10);
  // [REJECT] an accept is within tolerance of the claim, and, [IGNORE] the parent entry being
  //   known, [REJECT] beats it by minDelta (step 11);
  // [REJECT] the verifier's signature is valid (step 12).
  const target = await store.targets.get(attestation.target);
  const stored = await store.candidates.get(attestation.candidate);
  const candidate = stored && { value: stored.candidate, id: stored.id };
  const parent =
    stored && !isBaseline(stored.candidate)
      ? await store.entries.get(stored.candidate.parent)
      : undefined;
  const error = await validateAttestation(attestation, { target, candidate, parent, now, id });
  if (error) throw error;
  await store.attestations.put(attestation);
  return { id, attestation };
}
