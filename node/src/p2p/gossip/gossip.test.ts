// The Gossip component on one real host with no peers: its lifecycle (subscriptions wait for
// the host to start, stop undoes them) and what publishing does locally.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import {
  CANDIDATE,
  encodeEntry,
  encodeSigned,
  entryHash,
  hashHex,
  idOf,
  isProtocolError,
  TARGET,
} from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import type { Store } from '@nightshift/store';
import { openFreshStore } from '@nightshift/store/testing';
import { createHost, type Host } from '../host.ts';
import type { GossipEvents } from './events.ts';
import { Gossip } from './gossip.ts';
import { gossipsubOptions, LOOPBACK_SCORING } from './scoring.ts';
import { TARGETS_TOPIC, topicsOfTarget } from './topics.ts';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function setup(options: { startHost: boolean }) {
  const fixture = await makeFixture({ name: 'gossip-component' });
  const chain = new ChainBuilder(fixture);
  const genesis = await chain.genesis();
  const { store } = await openFreshStore('gossip-component');
  await store.targets.put(fixture.target);
  await store.entries.add(genesis);
  const host: Host = await createHost({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    mdns: false,
    gossip: gossipsubOptions(LOOPBACK_SCORING),
    start: options.startHost,
  });
  const gossip = new Gossip({}, { host, store: store as Store });
  cleanups.push(async () => {
    await gossip.stop();
    await host.stop();
    await store.close();
  });
  return { fixture, chain, genesis, store, host, gossip };
}

describe('Gossip', () => {
  it('subscribes to the targets topic and each stored target’s four once the host starts', async () => {
    const { fixture, host, gossip } = await setup({ startHost: false });
    await gossip.start();
    assert.deepEqual(gossip.followedTargets(), [hashHex(fixture.targetId)]);
    await host.start();
    const expected = [TARGETS_TOPIC, ...topicsOfTarget(fixture.targetId)];
    assert.deepEqual(host.services.pubsub.getTopics().sort(), expected.sort());
    for (const topic of expected) assert.ok(host.services.pubsub.topicValidators.has(topic));

    await gossip.stop();
    assert.deepEqual(host.services.pubsub.getTopics(), []);
    assert.equal(host.services.pubsub.topicValidators.size, 0);
  });

  it('stores a published entry first, tells listeners, and gossips a duplicate all the same', async () => {
    const { chain, genesis, store, gossip } = await setup({ startHost: true });
    await gossip.start();
    const e1 = await chain.extend(genesis, entryHash(genesis));
    const heads: Array<GossipEvents['head']> = [];
    gossip.events.on('head', (event) => heads.push(event));

    const first = await gossip.publishEntry(encodeEntry(e1));
    assert.equal(first.stored, true);
    assert.equal(hashHex(first.id), hashHex(entryHash(e1)));
    assert.equal(hashHex((await store.entries.head(e1.target))!.head), hashHex(entryHash(e1)));
    assert.equal(heads.length, 1);
    assert.equal(heads[0]!.from, undefined);

    const again = await gossip.publishEntry(encodeEntry(e1));
    assert.equal(again.stored, false);
    assert.equal(heads.length, 1);
  });

  it('refuses to publish what its own validation refuses, with the code', async () => {
    const { chain, genesis, store, gossip } = await setup({ startHost: true });
    await gossip.start();
    const e1 = await chain.extend(genesis, entryHash(genesis));
    const bytes = encodeSigned(CANDIDATE, e1.candidate);
    bytes[bytes.length - 1]! ^= 0x01;
    await assert.rejects(gossip.publishCandidate(bytes), (err) => {
      assert.ok(isProtocolError(err));
      assert.equal(err.code, 'bad_signature');
      return true;
    });
    assert.equal(await store.candidates.get(idOf(CANDIDATE, e1.candidate)), undefined);
    await assert.rejects(gossip.publishEntry(Uint8Array.of(6, 1)), /decode_missing_field/);
  });

  it('follows a target it publishes', async () => {
    const { host, gossip } = await setup({ startHost: true });
    await gossip.start();
    const other = await makeFixture({ name: 'gossip-component-new' });
    const result = await gossip.publishTarget(encodeSigned(TARGET, other.target));
    assert.equal(result.stored, true);
    assert.ok(gossip.followedTargets().includes(hashHex(other.targetId)));
    for (const topic of topicsOfTarget(other.targetId)) {
      assert.ok(host.services.pubsub.getTopics().includes(topic));
    }
  });
});
