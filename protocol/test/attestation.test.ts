/**
 * Attestations (validation/attestation.ts): a listed verifier's signed verdict, whose
 * numbers must agree with its verdict, about a known candidate run with the derived seed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ATTESTATION,
  type Attestation,
  CANDIDATE,
  deriveSeed,
  entryHash,
  equalBytes,
  idOf,
  LIMITS,
  publicKeyOf,
  signObject,
  validateAttestation,
} from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';
import { assertError, flipBit } from './helpers.ts';

// Three runs per attestation; a 2.5 parent; minDelta 0.25 and tolerance 0.125, exact in binary.
const fixture = await makeFixture({ runs: 3, minDelta: 0.25, tolerance: 0.125 });
const { target, targetId, verifiers, workers } = fixture;
const chain = new ChainBuilder(fixture);
const genesis = await chain.genesis(2.5);
const parentHash = entryHash(genesis);
const next = await chain.extend(genesis, parentHash, { metric: 2.25 });
const attestation = next.attestations[0]!;
const signer = verifiers.find((v) => equalBytes(publicKeyOf(v), attestation.verifier))!;
const candidate = { value: next.candidate, id: idOf(CANDIDATE, next.candidate) };
const now = attestation.createdAt;
const ctx = { target, candidate, parent: genesis, now };

/** The attestation with some fields changed, signed again by `key`. */
const attest = (changes: Partial<Attestation>, key = signer) =>
  signObject(ATTESTATION, { ...attestation, ...changes }, key);
const check = async (changes: Partial<Attestation>) =>
  validateAttestation(await attest(changes), ctx);

describe('validateAttestation: context', () => {
  it('accepts the attestations of a valid entry, baseline included', async () => {
    assert.equal(await validateAttestation(attestation, ctx), undefined);
    const base = { value: genesis.candidate, id: idOf(CANDIDATE, genesis.candidate) };
    const baseCtx = { target, candidate: base, parent: undefined, now };
    assert.deepEqual(genesis.attestations[0]!.receipt.seed, deriveSeed(targetId, 0));
    assert.equal(await validateAttestation(genesis.attestations[0]!, baseCtx), undefined);
  });

  it('ignores an attestation for an unknown target', async () => {
    const error = await validateAttestation(attestation, { ...ctx, target: undefined });
    assertError(error, 'unknown_target', 'ignore');
  });

  it('rejects an attestation by a key outside the verifier set', async () => {
    const outsider = await attest({ verifier: publicKeyOf(workers[0]!) }, workers[0]!);
    assertError(await validateAttestation(outsider, ctx), 'verifier_not_listed', 'reject');
  });

  it('ignores an attestation signed further ahead than the clock skew allows', async () => {
    const early = { ...ctx, now: attestation.createdAt - LIMITS.maxClockSkewMs - 1 };
    assertError(await validateAttestation(attestation, early), 'from_future', 'ignore');
  });

  it('ignores an attestation about a candidate this node does not have', async () => {
    assertError(
      await validateAttestation(attestation, { ...ctx, candidate: undefined }),
      'unknown_candidate',
      'ignore',
    );
    const otherId = { ...candidate, id: new Uint8Array(32) };
    assertError(
      await validateAttestation(attestation, { ...ctx, candidate: otherId }),
      'unknown_candidate',
      'ignore',
    );
  });

  it('rejects a receipt for another target, tree or seed', async () => {
    const { receipt } = attestation;
    for (const changes of [
      { target: new Uint8Array(32) },
      { receipt: { ...receipt, tree: genesis.candidate.tree } },
      { receipt: { ...receipt, seed: deriveSeed(parentHash, 1) } },
      { receipt: { ...receipt, seed: deriveSeed(targetId, 0) } },
    ]) {
      assertError(await check(changes), 'attestation_mismatch', 'reject');
    }
  });

  it('ignores an acceptance whose parent entry is not known yet', async () => {
    const error = await validateAttestation(attestation, { ...ctx, parent: undefined });
    assertError(error, 'unknown_parent', 'ignore');
  });

  it('rejects a flipped signature and a signature by another verifier', async () => {
    const flipped = { ...attestation, signature: flipBit(attestation.signature) };
    assertError(await validateAttestation(flipped, ctx), 'bad_signature', 'reject');
    const other = verifiers.find((v) => v !== signer)!;
    assertError(await validateAttestation(await attest({}, other), ctx), 'bad_signature', 'reject');
  });
});

describe('validateAttestation: the verdict and its numbers', () => {
  it('rejects a reason that is not a lower-case code', async () => {
    for (const reason of ['', 'OK', 'run timeout', '9lives', 'run-failed', 'échec']) {
      assertError(await check({ verdict: 'reject', reason }), 'invalid_text', 'reject');
    }
  });

  it('rejects an acceptance without reason ok, and a rejection with it', async () => {
    assertError(await check({ reason: 'fine' }), 'verdict_inconsistent', 'reject');
    assertError(await check({ verdict: 'reject' }), 'verdict_inconsistent', 'reject');
  });

  it('rejects more runs than the target asks for, or an acceptance with fewer', async () => {
    const runs = (n: number) => Array.from({ length: n }, () => 2.25);
    assertError(await check({ runs: runs(4) }), 'verdict_inconsistent', 'reject');
    assertError(await check({ runs: runs(2) }), 'verdict_inconsistent', 'reject');
  });

  it('rejects a metric that is not the median of the runs, or a missing one', async () => {
    assertError(
      await check({ runs: [2.25, 2.3, 2.2], metric: 2.3 }),
      'verdict_inconsistent',
      'reject',
    );
    assertError(await check({ metric: undefined }), 'verdict_inconsistent', 'reject');
    const noRuns = { verdict: 'reject' as const, reason: 'run_failed', runs: [] };
    assertError(await check({ ...noRuns, metric: 2.25 }), 'verdict_inconsistent', 'reject');
    assert.equal(await check({ ...noRuns, metric: undefined }), undefined);
    assert.equal(await check({ runs: [2.3, 2.2, 2.25], metric: 2.25 }), undefined);
  });

  it('rejects an acceptance outside tolerance of the claim; the boundary is inside', async () => {
    // The claim is 2.25 and the tolerance 0.125; 2.125 also beats the parent by minDelta.
    const at = (m: number) => ({ runs: [m, m, m], metric: m });
    assert.equal(await check(at(2.125)), undefined);
    assertError(await check(at(2.1)), 'verdict_inconsistent', 'reject');
  });

  it('rejects an acceptance that does not beat the parent by minDelta', async () => {
    const lenient = { ...target, tolerance: 1 };
    const a = await attest({ runs: [2.4, 2.4, 2.4], metric: 2.4 });
    const error = await validateAttestation(a, { ...ctx, target: lenient });
    assertError(error, 'verdict_inconsistent', 'reject');
  });

  it('accepts an honest rejection whose numbers miss the claim', async () => {
    const rejection = { verdict: 'reject' as const, reason: 'outside_tolerance' };
    assert.equal(await check({ ...rejection, runs: [2.6, 2.5, 2.7], metric: 2.6 }), undefined);
  });
});
