/**
 * The proofs an entry carries (validation/entry.ts): its credited commitment, its
 * attestations and its candidate, each tied to the others and each signed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ATTESTATION,
  type Attestation,
  compareBytes,
  equalBytes,
  LIMITS,
  publicKeyOf,
  signObject,
  validateEntry,
} from '../src/index.ts';
import { entryCase } from './entry-case.ts';
import { assertError, flipBit } from './helpers.ts';

const { fixture, chain, genesis, genesisHash, next, ctx, check } = await entryCase();
const { verifiers, workers } = fixture;

const keyOf = (a: Attestation) => verifiers.find((k) => equalBytes(publicKeyOf(k), a.verifier))!;
/** The entry's first attestation changed and signed again, in place of the original. */
async function withFirstAttestation(
  changes: Partial<Attestation>,
  key = keyOf(next.attestations[0]!),
) {
  const first = await signObject(ATTESTATION, { ...next.attestations[0]!, ...changes }, key);
  const attestations = [first, ...next.attestations.slice(1)];
  return {
    ...next,
    attestations: attestations.sort((a, b) => compareBytes(a.verifier, b.verifier)),
  };
}

describe('validateEntry: credit', () => {
  it('rejects a credit whose salt does not open the commitment', async () => {
    const credit = { ...next.credit, salt: new Uint8Array(32) };
    assertError(await check({ credit }), 'credit_invalid', 'reject');
  });

  it('rejects a credit whose commitment is to another tree', async () => {
    assertError(await check({ credit: genesis.credit }), 'credit_invalid', 'reject');
  });

  it('rejects an unsigned or forged credited commitment', async () => {
    const { commitment } = next.credit;
    const forged = { ...commitment, signature: flipBit(commitment.signature) };
    const credit = { ...next.credit, commitment: forged };
    assertError(await check({ credit }), 'bad_signature', 'reject');
  });
});

describe('validateEntry: attestations', () => {
  it('rejects an attestation that is a rejection', async () => {
    const entry = await withFirstAttestation({ verdict: 'reject', reason: 'not_improvement' });
    assertError(await validateEntry(entry, ctx), 'attestation_mismatch', 'reject');
  });

  it('rejects an attestation about another candidate or crediting another commitment', async () => {
    for (const changes of [{ candidate: new Uint8Array(32) }, { credit: new Uint8Array(32) }]) {
      const entry = await withFirstAttestation(changes);
      assertError(await validateEntry(entry, ctx), 'attestation_mismatch', 'reject');
    }
  });

  it('rejects an attestation by a key outside the verifier set', async () => {
    const outsider = workers[0]!;
    const entry = await withFirstAttestation({ verifier: publicKeyOf(outsider) }, outsider);
    assertError(await validateEntry(entry, ctx), 'verifier_not_listed', 'reject');
  });

  it('rejects an attestation whose signature does not verify', async () => {
    const [a, ...rest] = next.attestations;
    const attestations = [{ ...a!, signature: flipBit(a!.signature) }, ...rest];
    assertError(await check({ attestations }), 'bad_signature', 'reject');
  });

  it('rejects an attestation whose own numbers contradict its verdict', async () => {
    const entry = await withFirstAttestation({ reason: 'fine' });
    assertError(await validateEntry(entry, ctx), 'verdict_inconsistent', 'reject');
  });
});

describe('validateEntry: candidate', () => {
  it('rejects a candidate whose signature does not verify', async () => {
    const candidate = { ...next.candidate, signature: flipBit(next.candidate.signature) };
    assertError(await check({ candidate }), 'bad_signature', 'reject');
  });

  it('rejects a candidate whose own claim is no improvement', async () => {
    // Verified 2.25 (an improvement), claimed 2.3: within tolerance, yet the claim is not.
    const entry = await chain.extend(genesis, genesisHash, { metric: 2.25, claim: 2.3 });
    assertError(await validateEntry(entry, ctx), 'claim_not_improvement', 'reject');
  });

  it('ignores an entry whose candidate is from the future of a live node', async () => {
    const early = { ...ctx, now: next.candidate.createdAt - LIMITS.maxClockSkewMs - 1 };
    assertError(await validateEntry(next, early), 'from_future', 'ignore');
    // An auditor passes now = Infinity and checks old chains whatever its clock says.
    assert.equal(await validateEntry(next, ctx), undefined);
  });
});
