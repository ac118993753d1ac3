import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CANDIDATE, encodeSigned, type Hash, hashHex, idOf } from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import { openFreshStore } from '../testing/index.ts';
import { isStoreError } from './errors.ts';
import type { CandidateStatus } from './records.ts';
import type { Store } from './store.ts';

async function setup() {
  const fixture = await makeFixture();
  const chain = new ChainBuilder(fixture);
  const genesis = await chain.genesis();
  const { store, dataDir } = await openFreshStore('candidates');
  return { fixture, chain, genesis, store, dataDir };
}

async function idsWith(store: Store, status: CandidateStatus, target?: Hash) {
  const out: string[] = [];
  for await (const id of store.candidates.withStatus(status, target)) out.push(hashHex(id));
  return out;
}

describe('CandidateRepository', () => {
  it('stores a candidate as pending, with its receipt time and canonical bytes', async () => {
    const { genesis, store } = await setup();
    const { candidate } = genesis;
    const stored = await store.candidates.put(candidate, 1000);
    assert.equal(stored.added, true);
    assert.equal(stored.status, 'pending');
    const id = idOf(CANDIDATE, candidate);
    assert.deepEqual(await store.candidates.getBytes(id), encodeSigned(CANDIDATE, candidate));
    assert.deepEqual(await store.candidates.status(id), {
      status: 'pending',
      reason: '',
      receivedAt: 1000,
      updatedAt: 1000,
    });
    const again = await store.candidates.put(candidate, 5000);
    assert.equal(again.added, false);
    assert.equal(again.receivedAt, 1000);
    await store.close();
  });

  it('moves a candidate through verifying to accepted, keeping the status index in step', async () => {
    const { fixture, genesis, store } = await setup();
    const { id } = await store.candidates.put(genesis.candidate, 1000);
    const hex = hashHex(id);
    assert.deepEqual(await idsWith(store, 'pending', fixture.targetId), [hex]);

    await store.candidates.setStatus(id, 'verifying', { reason: '', now: 2000, from: 'pending' });
    assert.deepEqual(await idsWith(store, 'pending'), []);
    assert.deepEqual(await idsWith(store, 'verifying'), [hex]);

    const done = await store.candidates.setStatus(id, 'accepted', { reason: 'ok', now: 3000 });
    assert.deepEqual(done, { status: 'accepted', reason: 'ok', receivedAt: 1000, updatedAt: 3000 });
    assert.deepEqual(await idsWith(store, 'verifying'), []);
    assert.deepEqual(await idsWith(store, 'accepted', fixture.targetId), [hex]);
    assert.deepEqual(await idsWith(store, 'accepted', new Uint8Array(32)), []);
    await store.close();
  });

  it('refuses transitions that the status machine does not allow, changing nothing', async () => {
    const { genesis, store } = await setup();
    const { id } = await store.candidates.put(genesis.candidate, 1000);
    const refused = (err: unknown) => isStoreError(err, 'invalid_transition');
    await assert.rejects(
      store.candidates.setStatus(id, 'accepted', { reason: 'ok', now: 1 }),
      refused,
    );
    await assert.rejects(
      store.candidates.setStatus(id, 'rejected', { reason: 'x', now: 1, from: 'verifying' }),
      refused,
    );
    await store.candidates.setStatus(id, 'rejected', { reason: 'not_improvement', now: 2 });
    await assert.rejects(
      store.candidates.setStatus(id, 'pending', { reason: '', now: 3 }),
      refused,
    );
    assert.equal((await store.candidates.status(id))!.status, 'rejected');
    assert.deepEqual(await idsWith(store, 'rejected'), [hashHex(id)]);
    assert.deepEqual(await idsWith(store, 'pending'), []);
    await store.close();
  });

  it('refuses a status change for a candidate it does not store', async () => {
    const { store } = await setup();
    await assert.rejects(
      store.candidates.setStatus(new Uint8Array(32), 'verifying', { reason: '', now: 1 }),
      (err: unknown) => isStoreError(err, 'unknown_candidate'),
    );
    await store.close();
  });
});
