// A misbehaving peer among honest ones, over real TCP on 127.0.0.1: it publishes raw bytes
// straight through its own gossipsub (no validation of its own), and the honest peers must
// refuse all of it, store nothing, drop its score to the graylist, and go on delivering
// valid messages to each other. A stale or duplicate message from an honest peer, by
// contrast, is ignored without any penalty.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CANDIDATE,
  encodeEntry,
  encodeSigned,
  entryHash,
  hashHex,
  idOf,
  type LogEntry,
} from '@nightshift/protocol';
import { ChainBuilder, type Fixture, makeFixture } from '@nightshift/protocol/testing';
import { freshDataDir } from '@nightshift/store/testing';
import {
  invalidDeliveries,
  peerScore,
  SCORE_THRESHOLDS,
  targetTopic,
} from '../node/src/p2p/gossip/index.ts';
import {
  connect,
  connectAll,
  type GossipNode,
  ringWithChords,
  type SwarmNode,
  startGossipNode,
  startHost,
  stopAll,
  waitFor,
  waitForMesh,
} from './gossip-swarm.ts';

const HONEST = 5;
/** The honest peers the attacker is connected to. */
const VICTIMS = [0, 1, 2];

/** The same bytes with one bit of the last signature flipped. */
function flipSignatureBit(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[copy.length - 1]! ^= 0x01;
  return copy;
}

describe('gossip under attack by a peer that sends invalid messages', { timeout: 60_000 }, () => {
  let honest: GossipNode[] = [];
  let attacker: SwarmNode;
  let fixture: Fixture;
  let chain: ChainBuilder;
  let genesis: LogEntry;
  let topic: (kind: 'commitments' | 'candidates' | 'attestations' | 'entries') => string;

  before(async () => {
    fixture = await makeFixture({ name: 'under-attack' });
    chain = new ChainBuilder(fixture);
    genesis = await chain.genesis(2.5);
    topic = (kind) => targetTopic(fixture.targetId, kind);
    const seed = async (store: GossipNode['store']) => {
      await store.targets.put(fixture.target);
      await store.entries.add(genesis);
    };
    const dirs: string[] = [];
    for (let i = 0; i < HONEST; i++) dirs.push(await freshDataDir('honest'));
    honest = await Promise.all(dirs.map((dir) => startGossipNode(dir, { seed })));
    attacker = await startHost();
    await connectAll(honest, ringWithChords(HONEST));
    await Promise.all(VICTIMS.map((i) => connect(attacker, honest[i]!)));
    await waitForMesh(honest, topic('entries'));
    await waitForMesh(honest, topic('candidates'));
    // The attacker needs to know who listens where, to flood its messages to them.
    await waitFor('the attacker to see its victims subscribed', () =>
      (['entries', 'candidates', 'commitments'] as const).every(
        (kind) =>
          attacker.host.services.pubsub.getSubscribers(topic(kind)).length === VICTIMS.length,
      ),
    );
  });

  after(() => stopAll([...honest, attacker]));

  const victims = () => VICTIMS.map((i) => honest[i]!);
  const scoreOf = (node: SwarmNode, of: SwarmNode) =>
    peerScore(node.host.services.pubsub, of.peerId);
  const rejectedBy = (node: GossipNode) => node.gossip.metrics.snapshot().verdicts.reject;

  it('rejects malformed, oversized and badly signed messages, stores none, and graylists the sender', async () => {
    const e1 = await chain.extend(genesis, entryHash(genesis));
    const badEntry = structuredClone(e1);
    badEntry.attestations[0]!.signature[3]! ^= 0x01;
    const attacks: Array<[string, Uint8Array, string]> = [
      [topic('entries'), Uint8Array.of(6, 1, 1, 0xff), 'malformed'],
      [topic('commitments'), new Uint8Array(2048).fill(3), 'oversized'],
      [topic('entries'), encodeEntry(badEntry), 'badly signed entry'],
      [
        topic('candidates'),
        flipSignatureBit(encodeSigned(CANDIDATE, e1.candidate)),
        'badly signed candidate',
      ],
    ];
    for (const [name, data] of attacks) await attacker.host.services.pubsub.publish(name, data);

    await waitFor('every victim to reject all four', () =>
      victims().every((node) => rejectedBy(node) === attacks.length),
    );
    for (const node of victims()) {
      const { codes } = node.gossip.metrics.snapshot();
      assert.equal(codes['decode_truncated'], 1, 'malformed');
      assert.equal(codes['decode_too_large'], 1, 'oversized');
      assert.equal(codes['bad_signature'], 2, 'entry and candidate');
    }
    // Nothing was stored, and nothing was forwarded to the peers the attacker cannot reach.
    for (const node of honest) {
      assert.equal(await node.store.entries.count(fixture.targetId), 1);
      assert.equal(await node.store.entries.has(entryHash(badEntry)), false);
      assert.equal(await node.store.candidates.get(idOf(CANDIDATE, e1.candidate)), undefined);
    }
    for (const i of [3, 4]) assert.equal(rejectedBy(honest[i]!), 0);

    // The attacker's score falls below zero at once, and below the graylist threshold soon
    // after (scores are recomputed at most once a second).
    await waitFor('the attacker below zero at every victim', () =>
      victims().every((node) => scoreOf(node, attacker) < 0),
    );
    await waitFor(
      'the attacker below the graylist threshold at every victim',
      () => victims().every((node) => scoreOf(node, attacker) < SCORE_THRESHOLDS.graylistThreshold),
      { timeoutMs: 5000 },
    );
    // Graylisted: once gossipsub's one-second grace for peers last seen in good standing is
    // over, its messages are dropped before anything decodes them.
    await sleep(1100);
    await attacker.host.services.pubsub.publish(topic('entries'), Uint8Array.of(6, 1, 2, 0xff));
    await sleep(300);
    for (const node of victims()) assert.equal(rejectedBy(node), attacks.length);

    // The honest peers still have each other: a valid entry from the peer farthest from the
    // attacker reaches them all, and they hold nothing against one another.
    const published = await honest[3]!.gossip.publishEntry(encodeEntry(e1));
    assert.ok(published.recipients >= 2);
    await waitFor('every honest peer to store the valid entry', async () =>
      (await Promise.all(honest.map((n) => n.store.entries.has(entryHash(e1))))).every(Boolean),
    );
    for (const node of honest) {
      const head = await node.store.entries.head(fixture.targetId);
      assert.equal(hashHex(head!.head), hashHex(entryHash(e1)));
      for (const other of honest) {
        if (other !== node) assert.ok(scoreOf(node, other) >= 0, 'honest peers score >= 0');
      }
    }
  });

  it('ignores a stale candidate and a duplicate entry without penalising their honest sender', async () => {
    const head = (await honest[0]!.store.entries.head(fixture.targetId))!;
    const parent = (await honest[0]!.store.entries.get(head.head))!;
    const next = await chain.extend(parent, head.head);
    // Peer 4 already holds the next entry (say, from a range sync); the others do not.
    await honest[4]!.store.entries.add(next);
    const sender = honest[3]!;
    const neighbours = [honest[2]!, honest[4]!];
    const rejectedBefore = neighbours.map(rejectedBy);

    // A candidate on entry 0, which is no longer the head: stale. Published raw, as by a
    // peer that has not seen the head move.
    const stale = (await chain.extend(genesis, entryHash(genesis), { metric: 2.3 })).candidate;
    await sender.host.services.pubsub.publish(topic('candidates'), encodeSigned(CANDIDATE, stale));
    await waitFor('both neighbours to ignore the stale candidate', () =>
      neighbours.every((n) => n.gossip.metrics.get('stale_parent') === 1),
    );
    const published = await sender.gossip.publishEntry(encodeEntry(next));
    assert.equal(published.stored, true);
    await waitFor('every honest peer to hold the next entry', async () =>
      (await Promise.all(honest.map((n) => n.store.entries.has(entryHash(next))))).every(Boolean),
    );
    await waitFor(
      'peer 4 to ignore it as a duplicate',
      () => honest[4]!.gossip.metrics.get('duplicate') >= 1,
    );

    assert.equal(honest[4]!.gossip.metrics.get('duplicate'), 1);
    for (const [i, node] of neighbours.entries()) {
      assert.equal(node.gossip.metrics.get('stale_parent'), 1);
      assert.equal(rejectedBy(node), rejectedBefore[i], 'nothing rejected');
      for (const kind of ['candidates', 'entries'] as const) {
        const held = invalidDeliveries(node.host.services.pubsub, sender.peerId, topic(kind));
        assert.equal(held, 0, `no invalid delivery counted on ${kind}`);
      }
      assert.ok(scoreOf(node, sender) >= 0);
    }
    assert.equal(await honest[2]!.store.candidates.get(idOf(CANDIDATE, stale)), undefined);
  });
});
