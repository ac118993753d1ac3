// The verifier under a junk flood (issue 6, "Tests"): 1,000 candidates signed by 100 fresh
// identities reach two verifier peers over real TCP while an honest tiny-lm candidate is
// announced; the honest one is still re-run under bubblewrap and made an entry within a
// bounded time, and the junk costs no run.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import {
  CANDIDATE,
  COMMITMENT,
  commitmentValue,
  encodeSigned,
  type Hash,
  hashHex,
  idOf,
  publicKeyOf,
  signObject,
} from '@nightshift/protocol';
import { findBubblewrap } from '@nightshift/runner';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { targetTopic } from '../node/src/p2p/gossip/topics.ts';
import type { Peer } from '../node/src/peer.ts';
import { type SwarmNode, startHost, waitFor, waitForMesh } from './gossip-swarm.ts';
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
/**
 * From the flood's first message to the entry on both verifiers. Unloaded, the honest
 * candidate's two runs take a few seconds; this allows for a loaded 2-core machine while
 * still failing a verifier that works through the junk first.
 */
const BOUND_MS = 120_000;

describe('verifiers under a junk flood', { timeout: 240_000 }, () => {
  let world: World;
  let verifiers: VerifierPeer[] = [];
  let author: Peer;
  let attacker: SwarmNode;

  before(async () => {
    if (!findBubblewrap()) return;
    world = await tinyLmWorld({ verifierCount: 3, quorum: 2, revealDelayMs: REVEAL_DELAY_MS });
    verifiers = [await startVerifier(world, 0), await startVerifier(world, 1)];
    author = await startAuthor(world);
    const peers = [...verifiers.map((v) => v.peer), author];
    await connectPeers(peers);
    for (const kind of ['commitments', 'candidates', 'attestations', 'entries'] as const) {
      await waitForMesh(peers, targetTopic(world.fixture.targetId, kind));
    }
    attacker = await startHost();
    for (const v of verifiers) await attacker.host.dial(v.peer.host.getMultiaddrs()[0]!);
  });

  after(async () => {
    await attacker?.host.stop();
    for (const peer of [...verifiers.map((v) => v.peer), author]) await peer?.stop();
    await world?.close();
    if (world) await rm(world.root, { recursive: true, force: true });
  });

  const statusOf = (v: VerifierPeer, candidate: string) =>
    v.peer.store.candidates.status(Buffer.from(candidate, 'hex'));

  it('verifies and accepts an honest candidate within a bounded time under a flood of 1,000 junk candidates from 100 identities, and runs none of the junk', async (t) => {
    if (!requireBubblewrap(t)) return;
    const parent = world.genesis.hash;
    const tree = world.modelTree({ ORDER: '3', ALPHA: '0.1' });
    const metric = await world.measure(tree, parent);
    assert.ok(world.baseline - metric > 2 * world.fixture.target.minDelta);

    const publish = publisher(attacker, world);
    await waitFor('the attacker to see the verifiers subscribed', () =>
      verifiers.every((v) =>
        attacker.host.services.pubsub
          .getSubscribers(targetTopic(world.fixture.targetId, 'candidates'))
          .map(String)
          .includes(v.peer.peerId),
      ),
    );
    const junk = await junkCandidates(world, parent, world.baseline);

    const started = Date.now();
    const disconnects: string[] = [];
    for (const [i, v] of verifiers.entries()) {
      v.peer.host.addEventListener('peer:disconnect', (e) =>
        disconnects.push(`verifier ${i} lost ${e.detail} at ${Date.now() - started} ms`),
      );
    }
    const flooding = (async () => {
      for (const { commitment, candidate } of junk) {
        if (commitment) await publish('commitments', commitment).catch(() => undefined);
        await publish('candidates', candidate.bytes).catch(() => undefined);
      }
    })();
    const honest = await announceClaim(world, author, await generateKeyPair('Ed25519'), {
      tree,
      parent,
      metric,
    });
    await flooding;
    // What became of the honest candidate on each verifier, for a failure to explain itself.
    const timeline = () => honestTimeline(verifiers, honest, started, disconnects);
    for (const v of verifiers) {
      const left = Math.max(1, started + BOUND_MS - Date.now());
      const entry = await eventOf(v, 'entry', honest.candidate, left).catch(async (err) => {
        throw new Error(`${(err as Error).message}\n${await timeline()}`);
      });
      assert.equal(entry.height, 1);
    }
    const elapsed = Date.now() - started;
    t.diagnostic(`the honest candidate was an entry on both verifiers after ${elapsed} ms`);
    t.diagnostic(await timeline());

    // The junk reached the verifiers and cost them no run: each was settled with its reason
    // (revealed too early; stale once the entry was made) or still waits for a commitment
    // that cannot come in time.
    const expected = new Set([
      'rejected/reveal_too_early',
      'stale/stale_parent',
      'pending/',
      'rejected/no_commitment',
    ]);
    const ids = new Set(junk.map((j) => j.candidate.id));
    for (const v of verifiers) {
      const reasons = new Map<string, number>();
      for (const { candidate } of junk) {
        const stored = await statusOf(v, candidate.id);
        const key = stored ? `${stored.status}/${stored.reason}` : 'never arrived';
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
      }
      t.diagnostic(JSON.stringify(Object.fromEntries(reasons)));
      const arrived = junk.length - (reasons.get('never arrived') ?? 0);
      assert.ok(arrived > 900, `${arrived} of the junk candidates reached a verifier`);
      for (const key of reasons.keys()) {
        assert.ok(expected.has(key) || key === 'never arrived', `a junk candidate is ${key}`);
      }
      assert.ok(!v.events.some((e) => e.event === 'attested' && ids.has(e.candidate)));
      assert.ok(!v.events.some((e) => e.event === 'queued' && ids.has(e.candidate)));
      const early = await statusOf(v, junk[0]!.candidate.id);
      assert.deepEqual([early?.status, early?.reason], ['rejected', 'reveal_too_early']);
    }
  });
});

/** The honest candidate's events, receipts and gossip counts on each verifier. */
async function honestTimeline(
  verifiers: VerifierPeer[],
  honest: { candidate: string; commitment: string; published: unknown[] },
  started: number,
  disconnects: string[],
): Promise<string> {
  const lines: string[] = [];
  const since = (at: number | undefined) => (at === undefined ? 'never' : `${at - started} ms`);
  for (const [i, v] of verifiers.entries()) {
    for (const [n, e] of v.events.entries()) {
      if ('candidate' in e && e.candidate === honest.candidate)
        lines.push(`verifier ${i} at ${since(v.eventTimes[n])}: ${JSON.stringify(e)}`);
    }
    const { store } = v.peer;
    const stored = await store.candidates.status(Buffer.from(honest.candidate, 'hex'));
    const commitment = await store.commitments.get(Buffer.from(honest.commitment, 'hex'));
    lines.push(
      `verifier ${i}: candidate ${stored?.status ?? 'not stored'}, received ${since(
        stored?.receivedAt,
      )}; commitment received ${since(commitment?.receivedAt)}`,
      `verifier ${i}: gossip ${JSON.stringify(v.peer.gossip.metrics.snapshot().byTopic)}`,
    );
  }
  lines.push(`the author published ${JSON.stringify(honest.published)}`, ...disconnects);
  return lines.join('\n');
}

/** Publishes raw bytes on a target topic from a bare host (no validation of its own). */
function publisher(node: SwarmNode, world: World) {
  return (kind: 'commitments' | 'candidates', bytes: Uint8Array) =>
    node.host.services.pubsub.publish(targetTopic(world.fixture.targetId, kind), bytes);
}

/**
 * 1,000 junk candidates on `parent`, signed in advance, each by one of 100 fresh identities
 * and claiming a large improvement on a tree nobody has: 600 with a commitment sent just
 * before them (revealed too early), 400 with no commitment at all.
 */
async function junkCandidates(world: World, parent: Hash, parentMetric: number) {
  const keys = await Promise.all(Array.from({ length: 100 }, () => generateKeyPair('Ed25519')));
  const junk: { commitment?: Uint8Array; candidate: { id: string; bytes: Uint8Array } }[] = [];
  for (let n = 0; n < 1000; n += 1) {
    const key = keys[n % keys.length]!;
    const author = publicKeyOf(key);
    const tree = new Uint8Array(randomBytes(32));
    const salt = new Uint8Array(randomBytes(32));
    const now = Date.now();
    const commitment =
      n < 600
        ? await signObject(
            COMMITMENT,
            {
              target: world.fixture.targetId,
              author,
              value: commitmentValue(tree, author, salt),
              createdAt: now,
            },
            key,
          )
        : undefined;
    const candidate = await signObject(
      CANDIDATE,
      {
        target: world.fixture.targetId,
        parent,
        tree,
        salt,
        claim: parentMetric - 0.5,
        effort: { experiments: 1, seconds: 1 },
        description: `junk ${n}`,
        author,
        createdAt: now,
      },
      key,
    );
    junk.push({
      ...(commitment && { commitment: encodeSigned(COMMITMENT, commitment) }),
      candidate: {
        id: hashHex(idOf(CANDIDATE, candidate)),
        bytes: encodeSigned(CANDIDATE, candidate),
      },
    });
  }
  return junk;
}
