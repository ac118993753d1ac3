// Ten peers over real TCP on 127.0.0.1, each with its own store, wired as a ring with
// chords (every peer two or three connections, far from a full mesh): whatever one publishes
// is validated, stored and forwarded hop by hop until every peer holds it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ATTESTATION,
  CANDIDATE,
  COMMITMENT,
  encodeEntry,
  encodeSigned,
  entryHash,
  type Hash,
  hashHex,
  idOf,
  type LogEntry,
  TARGET,
} from '@nightshift/protocol';
import { ChainBuilder, type Fixture, makeFixture } from '@nightshift/protocol/testing';
import { freshDataDir } from '@nightshift/store/testing';
import { type GossipEvents, targetTopic } from '../node/src/p2p/gossip/index.ts';
import {
  connectAll,
  type GossipNode,
  ringWithChords,
  startGossipNode,
  stopAll,
  waitFor,
  waitForMesh,
} from './gossip-swarm.ts';

const SIZE = 10;

describe('gossip across a sparse swarm of ten peers', { timeout: 60_000 }, () => {
  let nodes: GossipNode[] = [];
  let fixture: Fixture;
  let chain: ChainBuilder;
  let genesis: LogEntry;

  before(async () => {
    fixture = await makeFixture({ name: 'swarm' });
    chain = new ChainBuilder(fixture);
    genesis = await chain.genesis(2.5);
    const seed = async (store: GossipNode['store']) => {
      await store.targets.put(fixture.target);
      await store.entries.add(genesis);
    };
    // One at a time: freshDataDir reads its counter after an await, so concurrent calls
    // could be handed the same directory.
    const dirs: string[] = [];
    for (let i = 0; i < SIZE; i++) dirs.push(await freshDataDir('swarm'));
    nodes = await Promise.all(dirs.map((dir) => startGossipNode(dir, { seed })));
    await connectAll(nodes, ringWithChords(SIZE));
    await waitForMesh(nodes, targetTopic(fixture.targetId, 'entries'));
  });

  after(() => stopAll(nodes));

  /** Waits until every node's head of `target` is `hash`. */
  async function everyHeadIs(target: Hash, hash: Hash) {
    await waitFor(`every head at ${hashHex(hash).slice(0, 12)}`, async () => {
      const heads = await Promise.all(nodes.map((n) => n.store.entries.head(target)));
      return heads.every((h) => h !== undefined && hashHex(h.head) === hashHex(hash));
    });
  }

  it('delivers an entry published by one peer to all ten, which agree on the head', async () => {
    const e1 = await chain.extend(genesis, entryHash(genesis));
    const hash = entryHash(e1);
    const seen: Array<GossipEvents['head']> = [];
    const stopListening = nodes[3]!.gossip.events.on('head', (event) => seen.push(event));

    const published = await nodes[0]!.gossip.publishEntry(encodeEntry(e1));
    assert.equal(published.stored, true);
    assert.ok(published.recipients >= 2, `sent to ${published.recipients} peers`);

    await everyHeadIs(fixture.targetId, hash);
    for (const node of nodes) {
      assert.equal(await node.store.entries.count(fixture.targetId), 2);
      assert.equal(
        hashHex((await node.store.entries.canonicalAt(fixture.targetId, 1))!),
        hashHex(hash),
      );
    }
    // Every peer but the publisher validated it off the wire, exactly once.
    const accepted = nodes.map((n) => n.gossip.metrics.snapshot().byTopic.entries?.accept ?? 0);
    assert.deepEqual(accepted, [0, ...Array(SIZE - 1).fill(1)]);
    // Peer 3, three hops from the publisher, heard it from a forwarder, and says which.
    stopListening();
    assert.equal(seen.length, 1);
    assert.equal(hashHex(seen[0]!.head.head), hashHex(hash));
    assert.notEqual(seen[0]!.from?.toString(), nodes[0]!.peerId);
  });

  it('delivers a commitment, a candidate and its attestations to every peer', async () => {
    const head = (await nodes[0]!.store.entries.head(fixture.targetId))!;
    const parent = (await nodes[0]!.store.entries.get(head.head))!;
    const next = await chain.extend(parent, head.head);
    const { commitment } = next.credit;
    await nodes[2]!.gossip.publishCommitment(encodeSigned(COMMITMENT, commitment));
    await nodes[4]!.gossip.publishCandidate(encodeSigned(CANDIDATE, next.candidate));
    const candidateId = idOf(CANDIDATE, next.candidate);
    // An attestation needs its candidate: wait until every peer holds it.
    await waitFor('the candidate everywhere', async () =>
      (await Promise.all(nodes.map((n) => n.store.candidates.get(candidateId)))).every(Boolean),
    );
    for (const [i, attestation] of next.attestations.entries()) {
      await nodes[6 + i]!.gossip.publishAttestation(encodeSigned(ATTESTATION, attestation));
    }
    const attestationIds = next.attestations.map((a) => idOf(ATTESTATION, a));
    const commitmentId = idOf(COMMITMENT, commitment);
    await waitFor('commitment and attestations everywhere', async () => {
      const held = await Promise.all(
        nodes.map(async (n) => {
          const c = await n.store.commitments.get(commitmentId);
          const a = await Promise.all(
            attestationIds.map((id) => n.store.attestations.getBytes(id)),
          );
          return c !== undefined && a.every(Boolean);
        }),
      );
      return held.every(Boolean);
    });
    // Each peer recorded its own time of receipt of the commitment.
    const receipts = await Promise.all(nodes.map((n) => n.store.commitments.get(commitmentId)));
    for (const stored of receipts) assert.ok(stored!.receivedAt <= Date.now());
  });

  it('spreads a new target, which every peer then follows, and then its entry 0', async () => {
    const other = await makeFixture({ name: 'swarm-second' });
    const otherGenesis = await new ChainBuilder(other).genesis(1.5);
    await nodes[3]!.gossip.publishTarget(encodeSigned(TARGET, other.target));
    await waitFor('every peer following the new target', () =>
      nodes.every((n) => n.gossip.followedTargets().includes(hashHex(other.targetId))),
    );
    for (const node of nodes) assert.ok(await node.store.targets.has(other.targetId));
    await waitForMesh(nodes, targetTopic(other.targetId, 'entries'));

    await nodes[8]!.gossip.publishEntry(encodeEntry(otherGenesis));
    await everyHeadIs(other.targetId, entryHash(otherGenesis));
    // The first target's log is untouched by the second's.
    for (const node of nodes) assert.equal(await node.store.entries.count(fixture.targetId), 2);
  });
});
