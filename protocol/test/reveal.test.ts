/** Commit-reveal: a candidate counts only after its author's commitment has aged. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COMMITMENT,
  type Commitment,
  entryHash,
  publicKeyOf,
  revealedValue,
  signObject,
  validateReveal,
} from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';
import { assertError } from './helpers.ts';

const fixture = await makeFixture();
const chain = new ChainBuilder(fixture);
const genesis = await chain.genesis();
const { candidate, credit } = await chain.extend(genesis, entryHash(genesis));
const { target } = fixture;
const delay = target.revealDelayMs;
const committed = (value: Commitment, receivedAt = 10_000) => ({ value, receivedAt });

describe('validateReveal', () => {
  it("accepts a candidate revealed revealDelayMs or more after its author's commitment", () => {
    assert.deepEqual(revealedValue(candidate), credit.commitment.value);
    for (const wait of [delay, delay + 1, 10 * delay]) {
      const ctx = { target, commitment: committed(credit.commitment), receivedAt: 10_000 + wait };
      assert.equal(validateReveal(candidate, ctx), undefined);
    }
  });

  it('ignores a candidate revealed before the delay has passed', () => {
    const ctx = {
      target,
      commitment: committed(credit.commitment),
      receivedAt: 10_000 + delay - 1,
    };
    assertError(validateReveal(candidate, ctx), 'reveal_too_early', 'ignore');
  });

  it('ignores a candidate whose commitment is unknown, or is not its own', async () => {
    const none = { target, commitment: undefined, receivedAt: 1e9 };
    assertError(validateReveal(candidate, none), 'unknown_commitment', 'ignore');
    // Another author's commitment to the same tree does not open with this candidate's salt.
    const other = fixture.workers[1]!;
    const copied = await signObject(
      COMMITMENT,
      { ...credit.commitment, author: publicKeyOf(other) },
      other,
    );
    const ctx = { target, commitment: committed(copied), receivedAt: 1e9 };
    assertError(validateReveal(candidate, ctx), 'unknown_commitment', 'ignore');
    // Nor does the author's commitment to another tree.
    const elsewhere = { ...credit.commitment, value: new Uint8Array(32).fill(7) };
    const ctx2 = { target, commitment: committed(elsewhere), receivedAt: 1e9 };
    assertError(validateReveal(candidate, ctx2), 'unknown_commitment', 'ignore');
  });
});
