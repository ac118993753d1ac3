/**
 * The credit rule (rules/credit.ts): of the commitments that open to a tree, the one this
 * node received first gets the credit; ties go to the earlier stated time, then the lower id.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PrivateKey } from '@libp2p/interface';
import fc from 'fast-check';
import {
  COMMITMENT,
  commitmentValue,
  compareBytes,
  creditedOpening,
  type Hash,
  idOf,
  type Opening,
  opensTo,
  publicKeyOf,
  signObject,
} from '../src/index.ts';
import { makeFixture, testSeed } from '../testing/index.ts';

const fixture = await makeFixture({ workerCount: 3 });
const { targetId } = fixture;
const [alice, bob, carol] = fixture.workers as [PrivateKey, PrivateKey, PrivateKey];
const tree: Hash = testSeed('credit tree');

/** A signed commitment by `key` to `committedTree`, opened with `salt`. */
async function opening(
  key: PrivateKey,
  receivedAt: number,
  createdAt: number,
  { committedTree = tree, target = targetId, salt = testSeed(`salt ${createdAt}`) } = {},
): Promise<Opening> {
  const author = publicKeyOf(key);
  const commitment = await signObject(
    COMMITMENT,
    { target, author, value: commitmentValue(committedTree, author, salt), createdAt },
    key,
  );
  return { commitment, id: idOf(COMMITMENT, commitment), salt, receivedAt };
}

describe('creditedOpening', () => {
  it('credits the commitment received first, even if another states an earlier time', async () => {
    const first = await opening(bob, 100, 500);
    const backdated = await opening(alice, 200, 1);
    assert.equal(creditedOpening(targetId, tree, [backdated, first]), first);
    assert.equal(creditedOpening(targetId, tree, [first, backdated]), first);
  });

  it('never credits a commitment that does not open to the tree', async () => {
    const wrongSalt = { ...(await opening(alice, 1, 1)), salt: testSeed('other salt') };
    const otherTree = await opening(bob, 2, 2, { committedTree: testSeed('other tree') });
    const otherTarget = await opening(carol, 3, 3, { target: testSeed('other target') });
    const honest = await opening(carol, 50, 50);
    const all = [wrongSalt, otherTree, otherTarget, honest];
    assert.equal(creditedOpening(targetId, tree, all), honest);
    assert.equal(creditedOpening(targetId, tree, all.slice(0, 3)), undefined);
    assert.equal(creditedOpening(targetId, tree, []), undefined);
  });

  it('breaks a tie on receipt time by the earlier stated time', async () => {
    const later = await opening(alice, 100, 20);
    const earlier = await opening(bob, 100, 10);
    assert.equal(creditedOpening(targetId, tree, [later, earlier]), earlier);
    assert.equal(creditedOpening(targetId, tree, [earlier, later]), earlier);
  });

  it('breaks a tie on both times by the lower commitment id', async () => {
    const x = await opening(alice, 100, 10);
    const y = await opening(bob, 100, 10);
    const lower = compareBytes(x.id, y.id) < 0 ? x : y;
    assert.equal(creditedOpening(targetId, tree, [x, y]), lower);
    assert.equal(creditedOpening(targetId, tree, [y, x]), lower);
  });

  it('credits the same opening whatever order the openings arrive in', async () => {
    const pool = [
      await opening(alice, 100, 10),
      await opening(bob, 100, 10),
      await opening(carol, 100, 5),
      await opening(alice, 90, 30, { salt: testSeed('a2') }),
      await opening(bob, 80, 40, { committedTree: testSeed('elsewhere') }),
      await opening(carol, 90, 30, { salt: testSeed('c2') }),
    ];
    // The reference: sort the openings that open by (receivedAt, createdAt, id).
    const expected = pool
      .filter((o) => opensTo(o.commitment, targetId, tree, o.salt))
      .sort(
        (p, q) =>
          p.receivedAt - q.receivedAt ||
          p.commitment.createdAt - q.commitment.createdAt ||
          compareBytes(p.id, q.id),
      )[0];
    assert.ok(expected);
    fc.assert(
      fc.property(fc.shuffledSubarray(pool, { minLength: pool.length }), (order) => {
        assert.equal(creditedOpening(targetId, tree, order), expected);
      }),
    );
  });
});
