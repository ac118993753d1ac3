/**
 * Log entries (validation/entry.ts): an entry extends its parent by one, a quorum of
 * listed verifiers accepted its candidate, their median beats the parent by minDelta within
 * tolerance of the claim, and its credit opens to the candidate's tree.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryHash, entryTime, validateEntry } from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';
import { entryCase } from './entry-case.ts';
import { assertError } from './helpers.ts';

const { target, chain, genesis, genesisHash, next, now, ctx, check } = await entryCase();

describe('validateEntry: place in the chain', () => {
  it('accepts entry 0 and an entry on it', async () => {
    assert.equal(await validateEntry(genesis, { target, parent: undefined, now }), undefined);
    assert.equal(await validateEntry(next, ctx), undefined);
    const third = await chain.extend(next, entryHash(next), { metric: 2 });
    assert.equal(await validateEntry(third, { target, parent: next, now }), undefined);
  });

  it('ignores an entry for an unknown target', async () => {
    const error = await validateEntry(next, { ...ctx, target: undefined });
    assertError(error, 'unknown_target', 'ignore');
  });

  it('rejects an entry without a parent above height 0', async () => {
    const error = await validateEntry(
      { ...genesis, height: 1 },
      { target, parent: undefined, now },
    );
    assertError(error, 'bad_height', 'reject');
  });

  it('rejects entry 0 that names a parent, without waiting for the parent', async () => {
    const error = await validateEntry({ ...next, height: 0 }, { target, parent: undefined, now });
    assertError(error, 'bad_height', 'reject');
  });

  it('rejects an entry that is not exactly one above its parent', async () => {
    for (const height of [0, 2, 7]) {
      assertError(await check({ height }), 'bad_height', 'reject');
    }
  });

  it('ignores an entry whose parent is not known yet', async () => {
    const error = await validateEntry(next, { ...ctx, parent: undefined });
    assertError(error, 'unknown_parent', 'ignore');
  });

  it('rejects an entry whose parent belongs to another target', async () => {
    const other = await makeFixture({ name: 'other' });
    const foreign = await new ChainBuilder(other).genesis(2.5);
    const error = await validateEntry(next, { ...ctx, parent: foreign });
    assertError(error, 'wrong_target', 'reject');
  });

  it('rejects a candidate that builds on another parent than the entry', async () => {
    const prev = new Uint8Array(32).fill(1);
    assertError(await check({ prev }), 'candidate_mismatch', 'reject');
    const onGenesis = { ...genesis, candidate: next.candidate };
    const error = await validateEntry(onGenesis, { target, parent: undefined, now });
    assertError(error, 'candidate_mismatch', 'reject');
  });
});

describe('validateEntry: the numbers', () => {
  it('rejects an entry with fewer attestations than the quorum', async () => {
    const one = next.attestations.slice(0, 1);
    assertError(await check({ attestations: one }), 'quorum_not_met', 'reject');
  });

  it('rejects an entry whose quorum counts one verifier twice', async () => {
    const [a, b] = next.attestations;
    assertError(await check({ attestations: [a!, a!] }), 'quorum_not_met', 'reject');
    // Enough distinct verifiers, but one of them would weigh twice in the median.
    assertError(await check({ attestations: [a!, a!, b!] }), 'quorum_not_met', 'reject');
  });

  it('rejects a metric that is not the median of the attestations', async () => {
    assertError(await check({ metric: 2.125 }), 'metric_mismatch', 'reject');
    const [a, b] = next.attestations;
    const noMetric = { ...a!, metric: undefined };
    assertError(await check({ attestations: [noMetric, b!] }), 'metric_mismatch', 'reject');
  });

  it('rejects an entry that does not beat its parent by minDelta', async () => {
    const flat = await chain.extend(genesis, genesisHash, { metric: 2.5 });
    assertError(await validateEntry(flat, ctx), 'not_improvement', 'reject');
    const almost = await chain.extend(genesis, genesisHash, { metric: 2.3 });
    assertError(await validateEntry(almost, ctx), 'not_improvement', 'reject');
  });

  it('rejects a verified metric outside tolerance of the claim; the boundary is inside', async () => {
    const far = await chain.extend(genesis, genesisHash, { metric: 2, claim: 2.25 });
    assertError(await validateEntry(far, ctx), 'outside_tolerance', 'reject');
    const edge = await chain.extend(genesis, genesisHash, { metric: 2, claim: 2.125 });
    assert.equal(await validateEntry(edge, ctx), undefined);
  });

  it('turns the improvement rule around for a metric to maximize', async () => {
    const up = await makeFixture({ name: 'up', direction: 'maximize', minDelta: 0.25 });
    const upChain = new ChainBuilder(up);
    const base = await upChain.genesis(2.5);
    const upCtx = { target: up.target, parent: base, now };
    const better = await upChain.extend(base, entryHash(base), { metric: 2.75 });
    assert.equal(await validateEntry(better, upCtx), undefined);
    const worse = await upChain.extend(base, entryHash(base), { metric: 2.25 });
    assertError(await validateEntry(worse, upCtx), 'not_improvement', 'reject');
  });
});

describe('entryTime', () => {
  it('dates an entry by its latest attestation, whatever their order', () => {
    const times = next.attestations.map((a) => a.createdAt);
    assert.equal(entryTime(next), Math.max(...times));
    const reversed = { ...next, attestations: [...next.attestations].reverse() };
    assert.equal(entryTime(reversed), Math.max(...times));
    assert.ok(entryTime(next) > next.candidate.createdAt);
  });
});
