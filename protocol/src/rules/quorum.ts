import { compareBytes, equalBytes } from '../bytes.ts';
import type { PublicKeyBytes } from '../keys.ts';
import type { Attestation } from '../objects/attestation.ts';
import type { Target } from '../objects/target.ts';

/** True when `key` is in the target's verifier set. */
export function isListedVerifier(target: Target, key: PublicKeyBytes): boolean {
  return target.verifiers.some((v) => equalBytes(v, key));
}

/**
 * Rule 3: the distinct listed verifiers that accepted. A quorum is met when there are at
 * least `target.quorum` of them. Attestations of unlisted keys and rejections never count.
 */
export function acceptingVerifiers(target: Target, attestations: readonly Attestation[]) {
  const seen: PublicKeyBytes[] = [];
  for (const a of attestations) {
    if (a.verdict !== 'accept' || !isListedVerifier(target, a.verifier)) continue;
    if (seen.some((k) => equalBytes(k, a.verifier))) continue;
    seen.push(a.verifier);
  }
  return seen.sort(compareBytes);
}

export function hasQuorum(target: Target, attestations: readonly Attestation[]): boolean {
  return acceptingVerifiers(target, attestations).length >= target.quorum;
}
