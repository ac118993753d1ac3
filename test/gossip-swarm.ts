/**
 * Swarms of real peers on 127.0.0.1 for the gossip tests and benchmark: each node a libp2p
 * host over TCP (mDNS off), its own store in its own data dir, and the Gossip component;
 * or a bare host (an attacker, or the baseline of the benchmark) with the same gossipsub
 * settings and no validation.
 */
import '../node/src/polyfill.ts';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { Store } from '@nightshift/store';
import {
  Gossip,
  type GossipModules,
  gossipsubOptions,
  LOOPBACK_SCORING,
  meshPeers,
} from '../node/src/p2p/gossip/index.ts';
import { createHost, type Host } from '../node/src/p2p/host.ts';

export interface SwarmNode {
  host: Host;
  peerId: string;
  /** Absent on a bare host. */
  store?: Store;
  gossip?: Gossip;
}

export interface GossipNode extends SwarmNode {
  store: Store;
  gossip: Gossip;
}

/** A started host on an ephemeral loopback port, with the gossip layer's gossipsub settings. */
export async function startHost(): Promise<SwarmNode> {
  const host = await createHost({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    mdns: false,
    gossip: gossipsubOptions(LOOPBACK_SCORING),
  });
  return { host, peerId: host.peerId.toString() };
}

/**
 * A started peer with a store in `dataDir`; `seed` fills the store before gossip starts (so
 * the targets in it are followed from the start).
 */
export async function startGossipNode(
  dataDir: string,
  options: {
    seed?: (store: Store) => Promise<void>;
    modules?: Partial<Pick<GossipModules, 'now' | 'logger' | 'onUnknownParent'>>;
  } = {},
): Promise<GossipNode> {
  const store = await Store.open(dataDir);
  await options.seed?.(store);
  const node = await startHost();
  const gossip = new Gossip({}, { host: node.host, store, ...options.modules });
  await gossip.start();
  return { ...node, store, gossip };
}

/** `a` dials `b` over TCP. */
export async function connect(a: SwarmNode, b: SwarmNode): Promise<void> {
  await a.host.dial(b.host.getMultiaddrs()[0]!);
}

/**
 * A sparse topology over `n` nodes: a ring, plus a chord from every fourth node to the
 * node opposite; degrees 2–3 (never a full mesh).
 */
export function ringWithChords(n: number): Array<[number, number]> {
  const edges: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) edges.push([i, (i + 1) % n]);
  for (let i = 0; i < n / 2; i += 4) edges.push([i, i + Math.floor(n / 2)]);
  return edges;
}

export async function connectAll(nodes: SwarmNode[], edges: Array<[number, number]>) {
  await Promise.all(edges.map(([a, b]) => connect(nodes[a]!, nodes[b]!)));
}

/** Polls `condition` until it holds, or fails after `timeoutMs` with `what`. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 20 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Waits until, on every node subscribed to `topic`, every connected peer also subscribed to
 * it is in its mesh of `topic`.
 */
export async function waitForMesh(nodes: SwarmNode[], topic: string, timeoutMs = 10_000) {
  const subscribed = nodes.filter((n) => n.host.services.pubsub.getTopics().includes(topic));
  const ids = new Set(subscribed.map((n) => n.peerId));
  await waitFor(
    `the mesh of ${topic}`,
    () =>
      subscribed.every((node) => {
        const mesh = new Set(meshPeers(node.host.services.pubsub, topic));
        return node.host
          .getPeers()
          .map(String)
          .filter((p) => ids.has(p))
          .every((p) => mesh.has(p));
      }),
    { timeoutMs },
  );
}

/**
 * Stops every node fast: gossip first (it waits for validations in progress), then the
 * connections are aborted rather than drained, then the hosts, then the stores.
 */
export async function stopAll(nodes: SwarmNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.gossip?.stop()));
  for (const node of nodes) {
    for (const connection of node.host.getConnections()) connection.abort(new Error('test over'));
  }
  await Promise.all(nodes.map((n) => n.host.stop()));
  await Promise.all(nodes.map((n) => n.store?.close()));
}
