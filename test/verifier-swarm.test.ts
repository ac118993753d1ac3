// The verifier over the network (issue 6, "Tests"): verifier peers over real TCP re-running
// tiny-lm candidates under real bubblewrap. The target lists three verifiers with a quorum of
// two, and only two of them run: every entry here is made with one verifier offline.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { equalBytes, hashHex, publicKeyOf, treeHash } from '@nightshift/protocol';
import { findBubblewrap } from '@nightshift/runner';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { targetTopic } from '../node/src/p2p/gossip/topics.ts';
import type { Peer } from '../node/src/peer.ts';
import { waitFor, waitForMesh } from './gossip-swarm.ts';
import {
  announceClaim,
  connectPeers,
  eventOf,
  startAuthor,
  startVerifier,
  tinyLmWorld,
  type VerifierPeer,
  type World,
} from './verifier-swarm.ts';

const REVEAL_DELAY_MS = 300;
// tiny-lm's minDelta (0.005) with a tolerance above it: a claim can then lie within tolerance
// of the re-run and still not beat the head by minDelta.
const MANIFEST = { tolerance: 0.01 };

describe('verifiers over the network', { timeout: 170_000 }, () => {
  let world: World;
  let verifiers: VerifierPeer[] = [];
  let author: Peer;
  let copier: Peer;

  before(async () => {
    // Without bubblewrap no verifier starts: each test skips (or fails in CI) by itself.
    if (!findBubblewrap()) return;
    world = await tinyLmWorld({
      verifierCount: 3,
      quorum: 2,
      revealDelayMs: REVEAL_DELAY_MS,
      manifest: MANIFEST,
    });
    verifiers = [await startVerifier(world, 0), await startVerifier(world, 1)];
    author = await startAuthor(world);
    copier = await startAuthor(world);
    const peers = [...verifiers.map((v) => v.peer), author, copier];
    await connectPeers(peers);
    for (const kind of ['commitments', 'candidates', 'attestations', 'entries'] as const) {
      await waitForMesh(peers, targetTopic(world.fixture.targetId, kind));
    }
  });

  after(async () => {
    for (const peer of [...verifiers.map((v) => v.peer), author, copier]) await peer?.stop();
    await world?.close();
    if (world) await rm(world.root, { recursive: true, force: true });
  });

  const head = async (v: VerifierPeer) =>
    (await v.peer.store.entries.head(world.fixture.targetId))!;
  const statusOf = (v: VerifierPeer, candidate: string) =>
    v.peer.store.candidates.status(Buffer.from(candidate, 'hex'));

  it('rejects a forged metric after re-running it, and the head stays', async (t) => {
    if (!requireBubblewrap(t)) return;
    const tree = world.modelTree({ ORDER: '3' });
    const { candidate } = await announceClaim(world, author, await generateKeyPair('Ed25519'), {
      tree,
      parent: world.genesis.hash,
      metric: world.baseline - 0.5,
    });
    for (const v of verifiers) {
      const attested = await eventOf(v, 'attested', candidate);
      assert.equal(attested.verdict, 'reject');
      assert.equal(attested.reason, 'outside_tolerance');
      assert.ok(Math.abs((attested.metric ?? 0) - (world.baseline - 0.5)) > 0.01);
      const stored = await statusOf(v, candidate);
      assert.equal(stored?.status, 'rejected');
      assert.equal(stored?.reason, 'outside_tolerance');
      assert.equal((await head(v)).height, 0);
    }
  });

  it('rejects a claim within tolerance of the re-run that does not beat the head by minDelta', async (t) => {
    if (!requireBubblewrap(t)) return;
    // A change that changes nothing: the re-run measures the baseline again.
    const tree = world.modelTree({}, '\n# a comment\n');
    const claim = world.baseline - 1.2 * world.fixture.target.minDelta;
    const { candidate } = await announceClaim(world, author, await generateKeyPair('Ed25519'), {
      tree,
      parent: world.genesis.hash,
      metric: claim,
    });
    for (const v of verifiers) {
      const attested = await eventOf(v, 'attested', candidate);
      assert.equal(attested.verdict, 'reject');
      assert.equal(attested.reason, 'not_improvement');
      assert.ok(Math.abs(attested.metric! - claim) <= world.fixture.target.tolerance);
      assert.equal((await statusOf(v, candidate))?.reason, 'not_improvement');
    }
  });

  it('credits the original author of a candidate copied and re-signed by another peer after the reveal, with one verifier of three offline', async (t) => {
    if (!requireBubblewrap(t)) return;
    const tree = world.modelTree({ ORDER: '3', ALPHA: '0.1' });
    const metric = await world.measure(tree, world.genesis.hash);
    const original = await generateKeyPair('Ed25519');
    const announced = await announceClaim(world, author, original, {
      tree,
      parent: world.genesis.hash,
      metric,
    });
    // The copier saw the revealed candidate (its tree and claim) and signs it as its own.
    await waitFor('the copier to see the candidate', async () =>
      Boolean(await copier.store.candidates.get(Buffer.from(announced.candidate, 'hex'))),
    );
    const copy = await announceClaim(world, copier, await generateKeyPair('Ed25519'), {
      tree,
      parent: world.genesis.hash,
      metric,
      description: 'my own work',
    });
    assert.notEqual(copy.candidate, announced.candidate);

    for (const v of verifiers) {
      await waitFor('entry 1', async () => (await head(v)).height === 1, { timeoutMs: 60_000 });
      const entry = (await v.peer.store.entries.get((await head(v)).head))!;
      assert.ok(equalBytes(entry.candidate.tree, treeHash(tree)));
      assert.ok(
        equalBytes(entry.credit.commitment.author, publicKeyOf(original)),
        'the copier got the credit',
      );
      assert.equal(entry.attestations.length, 2);
      const keys = entry.attestations.map((a) => hashHex(a.verifier));
      for (const key of keys) {
        assert.ok(world.fixture.target.verifiers.some((k) => hashHex(k) === key));
      }
      assert.ok(!keys.includes(hashHex(publicKeyOf(world.fixture.verifiers[2]!))));
    }
    // One entry, not two: the copy was dropped (the same tree queued, or stale once the
    // entry was made) and never run to a second entry at height 1.
    const heads = await Promise.all(verifiers.map(async (v) => hashHex((await head(v)).head)));
    assert.equal(new Set(heads).size, 1);
    for (const v of verifiers) {
      await waitFor('the copy to be dropped', async () => {
        const { status } = (await statusOf(v, copy.candidate))!;
        return status !== 'pending' && status !== 'verifying';
      });
      const copied = await statusOf(v, copy.candidate);
      assert.ok(
        copied?.reason === 'stale_parent' || copied?.reason === 'duplicate_tree',
        JSON.stringify(copied),
      );
      assert.ok(!v.events.some((e) => e.event === 'attested' && e.candidate === copy.candidate));
    }
    // The authors' peers follow the entry too.
    for (const peer of [author, copier]) {
      await waitFor('an author to follow entry 1', async () => {
        const followed = await peer.store.entries.head(world.fixture.targetId);
        return followed !== undefined && hashHex(followed.head) === heads[0];
      });
    }
  });
});
