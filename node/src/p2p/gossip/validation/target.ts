/** Validation of a gossiped Target (topic `/nightshift/1/targets`; PROTOCOL.md §6.1). */
import { decodeSigned, type Hash, TARGET, type Target, validateTarget } from '@nightshift/protocol';
import { checkSize, duplicate, type ValidationModules } from './context.ts';

export interface AcceptedTarget {
  id: Hash;
  target: Target;
}

/** Decodes, validates and stores a gossiped target; throws what makes it unacceptable. */
export async function validateGossipTarget(
  modules: ValidationModules,
  data: Uint8Array,
): Promise<AcceptedTarget> {
  const { store } = modules;
  const now = modules.now();
  // [REJECT] The message fits the topic's size bound.
  checkSize('targets', data);
  // [REJECT] The bytes are the canonical encoding of a Target (§2.7).
  const { value: target, id } = decodeSigned(TARGET, data);
  // [IGNORE] The target is not already stored.
  if (await store.targets.has(id)) throw duplicate('target');
  // [REJECT] The manifest follows the rules of §6.1 steps 1–17;
  // [IGNORE] it was not signed in the future (step 18);
  // [REJECT] the author's signature is valid (step 19).
  // (validateTargetFiles needs the baseline tree: that is checked once the tree is fetched.)
  const error = await validateTarget(target, { now, id });
  if (error) throw error;
  await store.targets.put(target);
  return { id, target };
}
