/**
 * A swarm of verifier peers on tiny-lm for the verifier's network tests: real peers over TCP
 * (`Peer.start` with `verify`), each holding the target, its files and entry 0 in its own
 * store and the identity of one of the target's verifiers; author peers that announce
 * claims (commitment, then candidate after the reveal delay) and serve their trees; and the
 * tiny-lm trees and their metrics as the runner measures them.
 */
import '../node/src/polyfill.ts';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { KEEP_ALIVE, type PrivateKey } from '@libp2p/interface';
import {
  deriveSeed,
  type Hash,
  hashHex,
  type LogEntry,
  makeTree,
  type Tree,
  treeHash,
} from '@nightshift/protocol';
import { ChainBuilder, type Fixture, filesToTree, makeFixture } from '@nightshift/protocol/testing';
import { Runner } from '@nightshift/runner';
import { Store } from '@nightshift/store';
import { tinyLmFixtureOptions } from '@nightshift/target-dir/testing';
import type { VerifierEvent } from '@nightshift/verifier';
import { IDENTITY_FILE } from '../node/src/identity.ts';
import { LOOPBACK_SCORING } from '../node/src/p2p/gossip/index.ts';
import { Peer } from '../node/src/peer.ts';
import { announce } from '../node/src/worker/announce.ts';
import { waitFor } from './gossip-swarm.ts';

export interface SwarmOptions {
  verifierCount: number;
  quorum: number;
  revealDelayMs: number;
  /** Manifest fields over tiny-lm's. */
  manifest?: Record<string, unknown>;
}

export type World = Awaited<ReturnType<typeof tinyLmWorld>>;

/** tiny-lm with its baseline measured once, and entry 0 at that metric. */
export async function tinyLmWorld(options: SwarmOptions) {
  const fixture: Fixture = await makeFixture({
    ...(await tinyLmFixtureOptions({ revealDelayMs: options.revealDelayMs, ...options.manifest })),
    verifierCount: options.verifierCount,
    quorum: options.quorum,
  });
  const root = await mkdtemp(join(tmpdir(), 'nightshift-verifier-swarm-'));
  let dirs = 0;
  const freshDataDir = () => join(root, `peer-${++dirs}`);
  // One store to measure trees in: the runner reads them from it.
  const scratch = await Store.open(freshDataDir());
  const runner = new Runner({}, { source: scratch });
  await seedFiles(scratch, fixture);
  const baseline = await measure(fixture.tree, fixture.targetId);
  const genesis = await new ChainBuilder(fixture).genesis(baseline);
  await scratch.entries.add(genesis);
  const genesisHash = (await scratch.entries.head(fixture.targetId))!.head;
  const baselineModel = new TextDecoder().decode(
    fixture.blobs.get(hashHex(fixture.tree.files.find((f) => f.path === 'model.py')!.blob))!,
  );

  /** The metric the runner measures for `tree` on `parent` (what an honest worker claims). */
  async function measure(tree: Tree, parent: Hash): Promise<number> {
    await scratch.trees.put(tree);
    for (const bytes of fixture.blobs.values()) await scratch.blobs.put(bytes);
    const { outcome } = await runner.run({
      target: fixture.target,
      tree,
      seed: deriveSeed(parent, 0),
    });
    if (outcome.kind !== 'ok') throw new Error(`tiny-lm did not run: ${JSON.stringify(outcome)}`);
    return outcome.metric;
  }

  /** The baseline tree with model.py's settings changed (`NAME = value` lines), or `extra` appended. */
  function modelTree(settings: Record<string, string>, extra = ''): Tree {
    let model = baselineModel;
    for (const [name, value] of Object.entries(settings)) {
      model = model.replace(new RegExp(`^${name} = \\S+`, 'm'), `${name} = ${value}`);
    }
    const changed = filesToTree({ 'model.py': model + extra }, fixture.blobs);
    return makeTree([...fixture.tree.files.filter((f) => f.path !== 'model.py'), ...changed.files]);
  }

  /** The baseline tree with a file outside the mutable paths changed. */
  function harnessTree(n: number): Tree {
    const changed = filesToTree(
      { 'harness/score.py': `print("val_bpc: 0.${n}")\n` },
      fixture.blobs,
    );
    return makeTree([
      ...fixture.tree.files.filter((f) => f.path !== 'harness/score.py'),
      ...changed.files,
    ]);
  }

  /** A store holding the target, its files (every tree built so far) and entry 0. */
  async function seed(dataDir: string): Promise<void> {
    const store = await Store.open(dataDir);
    await seedFiles(store, fixture);
    await store.entries.add(genesis);
    await store.close();
  }

  return {
    fixture,
    root,
    freshDataDir,
    baseline,
    genesis: { entry: genesis as LogEntry, hash: genesisHash },
    measure,
    modelTree,
    harnessTree,
    seed,
    close: () => scratch.close(),
  };
}

async function seedFiles(store: Store, fixture: Fixture): Promise<void> {
  for (const bytes of fixture.blobs.values()) await store.blobs.put(bytes);
  await store.trees.put(fixture.tree);
  await store.targets.put(fixture.target);
}

export interface VerifierPeer {
  peer: Peer;
  events: VerifierEvent[];
  /** When each of `events` happened (ms since the epoch), for timelines in failures. */
  eventTimes: number[];
  dataDir: string;
}

/** A verifier peer with the identity of the target's verifier `index`. */
export async function startVerifier(
  world: World,
  index: number,
  dataDir = world.freshDataDir(),
): Promise<VerifierPeer> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(
    join(dataDir, IDENTITY_FILE),
    privateKeyToProtobuf(world.fixture.verifiers[index]!),
    { mode: 0o600 },
  );
  await world.seed(dataDir);
  const events: VerifierEvent[] = [];
  const eventTimes: number[] = [];
  const onEvent = (e: VerifierEvent) => {
    events.push(e);
    eventTimes.push(Date.now());
  };
  const peer = await startPeer(dataDir, { verify: { onEvent } });
  return { peer, events, eventTimes, dataDir };
}

/** A peer that is not a verifier (an author's), holding the target and entry 0. */
export async function startAuthor(world: World): Promise<Peer> {
  const dataDir = world.freshDataDir();
  await world.seed(dataDir);
  return startPeer(dataDir, {});
}

function startPeer(dataDir: string, more: Partial<Parameters<typeof Peer.start>[0]>) {
  return Peer.start({
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    mdns: false,
    scoring: LOOPBACK_SCORING,
    ...more,
  });
}

/**
 * `author` announces `tree` (stored on its peer, which serves it) on `parent` with `claim`,
 * signed by `key`: commitment, the reveal delay, candidate. Returns the ids (hex), and how
 * many peers each of the two messages was sent to.
 */
export async function announceClaim(
  world: World,
  author: Peer,
  key: PrivateKey,
  claim: { tree: Tree; parent: Hash; metric: number; description?: string },
): Promise<{ commitment: string; candidate: string; published: { recipients: number }[] }> {
  const published: { recipients: number }[] = [];
  const sent = ({ recipients }: { recipients: number }) => published.push({ recipients });
  for (const bytes of world.fixture.blobs.values()) await author.store.blobs.put(bytes);
  await author.store.trees.put(claim.tree);
  const ids = await announce(
    {
      target: world.fixture.target,
      targetId: world.fixture.targetId,
      parent: claim.parent,
      tree: treeHash(claim.tree),
      metric: claim.metric,
      experiments: 3,
      seconds: 10,
      description: claim.description ?? 'a test claim',
    },
    key,
    {
      publishCommitment: async (bytes) => sent(await author.gossip.publishCommitment(bytes)),
      publishCandidate: async (bytes) => sent(await author.gossip.publishCandidate(bytes)),
    },
    { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
  );
  return {
    commitment: hashHex(ids.commitment),
    candidate: hashHex(ids.candidate),
    published,
  };
}

/** The first event of `verifier` matching `match`, waiting up to `timeoutMs`. */
export async function eventOf<E extends VerifierEvent['event']>(
  verifier: VerifierPeer,
  kind: E,
  candidate: string,
  timeoutMs = 60_000,
): Promise<Extract<VerifierEvent, { event: E }>> {
  const find = () =>
    verifier.events.find(
      (e): e is Extract<VerifierEvent, { event: E }> =>
        e.event === kind && 'candidate' in e && e.candidate === candidate,
    );
  await waitFor(`${kind} of ${candidate.slice(0, 8)}`, () => find() !== undefined, {
    timeoutMs,
    intervalMs: 50,
  });
  return find()!;
}

/**
 * Every peer dials every other one, and keeps the link: on a loaded machine a ping can time
 * out under a flood and libp2p then closes the connection; a link tagged keep-alive is
 * dialled again, as a peer's bootstrap list would be in a real swarm.
 */
export async function connectPeers(peers: Peer[]): Promise<void> {
  for (let i = 0; i < peers.length; i += 1) {
    for (let j = i + 1; j < peers.length; j += 1) {
      const [a, b] = [peers[i]!, peers[j]!];
      await a.host.dial(b.host.getMultiaddrs()[0]!);
      await a.host.peerStore.merge(b.host.peerId, { tags: { [KEEP_ALIVE]: { value: 1 } } });
      await b.host.peerStore.merge(a.host.peerId, { tags: { [KEEP_ALIVE]: { value: 1 } } });
    }
  }
}
