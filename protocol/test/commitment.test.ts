/**
 * Commitments (validation/commitment.ts, objects/commitment.ts): the signed, gossiped
 * H(tree ‖ author ‖ salt) that gives credit to whoever committed to a tree first.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COMMITMENT,
  commitmentValue,
  idOf,
  LIMITS,
  opensTo,
  publicKeyOf,
  signObject,
  validateCommitment,
} from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';
import { assertError, flipBit } from './helpers.ts';

const fixture = await makeFixture();
const { target, targetId } = fixture;
const entry = await new ChainBuilder(fixture).genesis();
const { commitment, salt } = entry.credit;
const now = commitment.createdAt;

describe('validateCommitment', () => {
  it('accepts a commitment signed by its author, for a known target', async () => {
    assert.equal(await validateCommitment(commitment, { target, now }), undefined);
    const id = idOf(COMMITMENT, commitment);
    assert.equal(await validateCommitment(commitment, { target, now, id }), undefined);
  });

  it('ignores a commitment for a target this node does not know', async () => {
    const error = await validateCommitment(commitment, { target: undefined, now });
    assertError(error, 'unknown_target', 'ignore');
  });

  it('ignores a commitment signed further ahead than the clock skew allows', async () => {
    const early = { target, now: commitment.createdAt - LIMITS.maxClockSkewMs - 1 };
    assertError(await validateCommitment(commitment, early), 'from_future', 'ignore');
    const atLimit = { target, now: commitment.createdAt - LIMITS.maxClockSkewMs };
    assert.equal(await validateCommitment(commitment, atLimit), undefined);
  });

  it('rejects a flipped signature and a value changed after signing', async () => {
    const flipped = { ...commitment, signature: flipBit(commitment.signature) };
    assertError(await validateCommitment(flipped, { target, now }), 'bad_signature', 'reject');
    const changed = { ...commitment, value: new Uint8Array(32) };
    assertError(await validateCommitment(changed, { target, now }), 'bad_signature', 'reject');
  });

  it('rejects a commitment signed by someone other than its named author', async () => {
    const [alice, mallory] = fixture.workers;
    const forged = await signObject(
      COMMITMENT,
      { ...commitment, author: publicKeyOf(alice!) },
      mallory!,
    );
    assertError(await validateCommitment(forged, { target, now }), 'bad_signature', 'reject');
  });

  it('rejects a signature checked against an id that is not the commitment’s', async () => {
    const wrongId = idOf(COMMITMENT, { ...commitment, createdAt: commitment.createdAt + 1 });
    const error = await validateCommitment(commitment, { target, now, id: wrongId });
    assertError(error, 'bad_signature', 'reject');
  });
});

describe('commitment values', () => {
  const tree = entry.candidate.tree;
  const author = commitment.author;

  it('bind the tree, the author and the salt', () => {
    const value = commitmentValue(tree, author, salt);
    assert.deepEqual(value, commitment.value);
    const other = new Uint8Array(32).fill(7);
    assert.notDeepEqual(commitmentValue(other, author, salt), value);
    assert.notDeepEqual(commitmentValue(tree, other, salt), value);
    assert.notDeepEqual(commitmentValue(tree, author, other), value);
  });

  it('open only with the right tree, salt and target', () => {
    assert.equal(opensTo(commitment, targetId, tree, salt), true);
    assert.equal(opensTo(commitment, targetId, tree, new Uint8Array(32)), false);
    assert.equal(opensTo(commitment, targetId, new Uint8Array(32), salt), false);
    assert.equal(opensTo(commitment, new Uint8Array(32), tree, salt), false);
  });
});
