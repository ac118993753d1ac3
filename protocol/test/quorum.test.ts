/**
 * Rule 3 (rules/quorum.ts): an entry needs acceptances from `quorum` distinct keys of the
 * target's verifier set. Repeats, unlisted keys and rejections never count.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Attestation,
  acceptingVerifiers,
  compareBytes,
  entryHash,
  hasQuorum,
  isListedVerifier,
  publicKeyOf,
} from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';

const fixture = await makeFixture({ verifierCount: 3, quorum: 2 });
const { target, verifiers, workers } = fixture;
const chain = new ChainBuilder(fixture);
const genesis = await chain.genesis();
// One accepting attestation from every verifier, in verifier-key order.
const entry = await chain.extend(genesis, entryHash(genesis), { verifiers });
const [a, b, c] = entry.attestations as [Attestation, Attestation, Attestation];
const rejection = (x: Attestation): Attestation => ({ ...x, verdict: 'reject', reason: 'no' });
const outsider = (x: Attestation, i: number): Attestation => ({
  ...x,
  verifier: publicKeyOf(workers[i]!),
});

describe('hasQuorum', () => {
  it('is met by quorum distinct listed verifiers that accept', () => {
    assert.equal(hasQuorum(target, [a, b]), true);
    assert.equal(hasQuorum(target, [c, a]), true);
    assert.equal(hasQuorum(target, [a, b, c]), true);
  });

  it('is not met by fewer acceptances', () => {
    assert.equal(hasQuorum(target, []), false);
    assert.equal(hasQuorum(target, [a]), false);
  });

  it('counts a verifier that attests twice once', () => {
    assert.equal(hasQuorum(target, [a, a]), false);
    assert.equal(hasQuorum(target, [a, { ...a, createdAt: a.createdAt + 1 }]), false);
  });

  it('does not count keys outside the verifier set', () => {
    assert.equal(hasQuorum(target, [a, outsider(b, 0)]), false);
    assert.equal(hasQuorum(target, [outsider(a, 0), outsider(b, 1)]), false);
  });

  it('does not count rejections', () => {
    assert.equal(hasQuorum(target, [a, rejection(b)]), false);
    assert.equal(hasQuorum(target, [a, rejection(b), c]), true);
  });

  it('follows the target quorum', () => {
    assert.equal(hasQuorum({ ...target, quorum: 3 }, [a, b]), false);
    assert.equal(hasQuorum({ ...target, quorum: 1 }, [c]), true);
  });
});

describe('acceptingVerifiers', () => {
  it('lists each accepting listed key once, sorted by key bytes', () => {
    const keys = acceptingVerifiers(target, [c, a, rejection(b), c, outsider(b, 0)]);
    assert.deepEqual(keys, [a.verifier, c.verifier].sort(compareBytes));
  });
});

describe('isListedVerifier', () => {
  it('knows the target verifier keys and no other', () => {
    for (const v of verifiers) assert.equal(isListedVerifier(target, publicKeyOf(v)), true);
    assert.equal(isListedVerifier(target, publicKeyOf(workers[0]!)), false);
    assert.equal(isListedVerifier(target, fixture.target.author), false);
  });
});
