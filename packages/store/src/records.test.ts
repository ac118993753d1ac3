import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ATTESTATION,
  CANDIDATE,
  COMMITMENT,
  commitmentValue,
  hashHex,
  idOf,
  publicKeyOf,
} from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import { openFreshStore } from '../testing/index.ts';
import { isStoreError } from './errors.ts';
import { decodeRecord, encodeRecord } from './records.ts';
import { Store } from './store.ts';

describe('commitments, attestations and reputation', () => {
  it('keeps the first receipt time of a commitment and finds it by value', async () => {
    const fixture = await makeFixture();
    const entry = await new ChainBuilder(fixture).genesis();
    const { commitment, salt } = entry.credit;
    const { store } = await openFreshStore('commitments');
    const first = await store.commitments.put(commitment, 1000);
    const again = await store.commitments.put(commitment, 500);
    assert.equal(first.added, true);
    assert.equal(again.added, false);
    assert.equal(again.receivedAt, 1000);

    const value = commitmentValue(entry.candidate.tree, entry.candidate.author, salt);
    const found = await store.commitments.byValue(value);
    assert.deepEqual(
      found.map((c) => [hashHex(c.id), c.receivedAt]),
      [[hashHex(idOf(COMMITMENT, commitment)), 1000]],
    );
    assert.deepEqual(await store.commitments.byValue(new Uint8Array(32)), []);
    await store.close();
  });

  it("lists a candidate's attestations, one per verifier", async () => {
    const fixture = await makeFixture({ verifierCount: 3, quorum: 3 });
    const entry = await new ChainBuilder(fixture).genesis();
    const { store } = await openFreshStore('attestations');
    for (const a of [...entry.attestations].reverse()) await store.attestations.put(a);
    const found = await store.attestations.byCandidate(idOf(CANDIDATE, entry.candidate));
    assert.deepEqual(
      found.map((f) => hashHex(f.id)),
      entry.attestations.map((a) => hashHex(idOf(ATTESTATION, a))),
    );
    assert.deepEqual(await store.attestations.byCandidate(new Uint8Array(32)), []);
    await store.close();
  });

  it('counts consecutive verified claims, starts over after a failure, and survives a reopen', async () => {
    const fixture = await makeFixture();
    const author = publicKeyOf(fixture.workers[0]!);
    const { store, dataDir } = await openFreshStore('reputation');
    assert.deepEqual(await store.reputation.get(author), {
      verified: 0,
      failed: 0,
      updatedAt: 0,
      bannedUntil: 0,
    });
    await Promise.all([1, 2, 3].map((t) => store.reputation.recordVerified(author, t)));
    assert.equal((await store.reputation.get(author)).verified, 3, 'no update is lost');
    await store.reputation.recordFailed(author, 4);
    await store.reputation.ban(author, 10_000, 5);
    await store.close();
    const reopened = await Store.open(dataDir);
    assert.deepEqual(await reopened.reputation.get(author), {
      verified: 0,
      failed: 1,
      updatedAt: 5,
      bannedUntil: 10_000,
    });
    await reopened.close();
  });

  it('refuses a metadata record of an unknown version or shape', () => {
    const good = encodeRecord('receipt', { receivedAt: 7 });
    assert.deepEqual(decodeRecord('receipt', good), { receivedAt: 7 });
    const corrupt = (err: unknown) => isStoreError(err, 'corrupt_record');
    const bytes = (text: string) => new TextEncoder().encode(text);
    assert.throws(() => decodeRecord('receipt', bytes('{"v":2,"receivedAt":7}')), corrupt);
    assert.throws(() => decodeRecord('receipt', bytes('{"v":1,"receivedAt":"7"}')), corrupt);
    assert.throws(() => decodeRecord('receipt', bytes('not json')), corrupt);
  });
});
