/**
 * Benchmark (issue 3): announcement latency through gossip, from publish to receipt at every
 * node of a 20-node loopback swarm, where receipt means validated by protocol/ and stored
 * (the `entry` event fires after the store's batch is written, before the validator
 * returns ACCEPT). Measured in the same run, with the same host and gossipsub settings:
 *
 * - bare, 2 nodes: one gossipsub message between two directly connected hosts, with no
 *   validator and no store, the baseline;
 * - bare, 20 nodes: the same message through the same 20-node topology, still with no
 *   validator and no store, to separate the cost of the hops from that of validation;
 * - nightshift, 20 nodes: real signed log entries (a quorum of 2 attestations, 4 signatures
 *   to check), each built on the previous one, published with `Gossip.publishEntry`;
 * - and, with no network at all, what one node spends per entry: the gossip validator
 *   (decode, look-ups, validateEntry, store) and protocol's validateEntry alone.
 *
 * Announcements go one at a time: the next is published when the previous has reached every
 * node. Latencies are per receiving node (19 per announcement); "all" is per announcement,
 * the time until the last node had it. Every node runs in this one process, so the 19
 * validations of an announcement share one JavaScript thread: an upper bound on what
 * separate machines would see.
 *
 * Usage: node --import tsx scripts/bench-gossip.ts [--announcements N] [--nodes N] [--json]
 */
import '../node/src/polyfill.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  decodeEntry,
  encodeEntry,
  entryHash,
  hashHex,
  type LogEntry,
  validateEntry,
} from '@nightshift/protocol';
import { ChainBuilder, type Fixture, makeFixture } from '@nightshift/protocol/testing';
import { Store } from '@nightshift/store';
import { targetTopic } from '../node/src/p2p/gossip/index.ts';
import { validateGossipEntry } from '../node/src/p2p/gossip/validation/index.ts';
import {
  connect,
  connectAll,
  type GossipNode,
  type SwarmNode,
  startGossipNode,
  startHost,
  stopAll,
  waitForMesh,
} from '../test/gossip-swarm.ts';

const { values } = parseArgs({
  options: {
    announcements: { type: 'string', default: '50' },
    nodes: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const ANNOUNCEMENTS = Number(values.announcements);
const NODES = Number(values.nodes);
const WARMUP = Number(values.warmup);
const TIMEOUT_MS = 10_000;
const BARE_TOPIC = '/nightshift-bench/bare';

/**
 * The swarm's wiring: a ring, plus a link from each node to the one five ahead. Every node
 * has four peers (all in its mesh: gossipsub's D is 6), the swarm is 20 × 4 / 2 = 40 links
 * instead of a full mesh's 190, and no node is more than 4 hops from another.
 */
function topology(n: number): Array<[number, number]> {
  const edges: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    edges.push([i, (i + 1) % n]);
    if (n > 10) edges.push([i, (i + 5) % n]);
  }
  return edges;
}

interface Stats {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: at(50), p99: at(99), max: sorted[sorted.length - 1]!, samples: sorted.length };
}

/** Per-node and per-announcement latencies of a run, warm-up excluded. */
interface Run {
  perNode: number[];
  toAll: number[];
}

/**
 * Publishes `count + WARMUP` announcements one at a time; `publish(i)` sends the i-th and
 * resolves when it was handed to gossipsub, `arrival(i)` resolves to the receivers' times
 * once all have it.
 */
async function measure(
  count: number,
  publish: (i: number) => Promise<unknown>,
  arrival: (i: number) => Promise<number[]>,
): Promise<Run> {
  const run: Run = { perNode: [], toAll: [] };
  for (let i = 0; i < count + WARMUP; i++) {
    const arrived = arrival(i);
    const start = performance.now();
    await publish(i);
    const times = await arrived;
    if (i < WARMUP) continue;
    const latencies = times.map((t) => t - start);
    run.perNode.push(...latencies);
    run.toAll.push(Math.max(...latencies));
  }
  return run;
}

/** Resolves with the arrival times once `expected` receivers have reported announcement i. */
class Arrivals {
  private current = -1;
  private times: number[] = [];
  private done: ((times: number[]) => void) | undefined;

  constructor(private readonly expected: number) {}

  expect(i: number): Promise<number[]> {
    this.current = i;
    this.times = [];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`announcement ${i}: ${this.times.length} of ${this.expected}`)),
        TIMEOUT_MS,
      );
      this.done = (times) => {
        clearTimeout(timer);
        resolve(times);
      };
    });
  }

  arrived(i: number): void {
    if (i !== this.current) return;
    this.times.push(performance.now());
    if (this.times.length === this.expected) this.done?.(this.times);
  }
}

/** Payloads of `size` bytes whose first four bytes number them (and keep ids distinct). */
function payload(i: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size).fill(0x5a);
  new DataView(bytes.buffer).setUint32(0, i);
  return bytes;
}

async function bareRun(nodeCount: number, size: number): Promise<Run> {
  const nodes: SwarmNode[] = await Promise.all(Array.from({ length: nodeCount }, startHost));
  try {
    if (nodeCount === 2) await connect(nodes[0]!, nodes[1]!);
    else await connectAll(nodes, topology(nodeCount));
    for (const node of nodes) node.host.services.pubsub.subscribe(BARE_TOPIC);
    await waitForMesh(nodes, BARE_TOPIC);
    const arrivals = new Arrivals(nodeCount - 1);
    for (const node of nodes) {
      node.host.services.pubsub.addEventListener('message', (event) => {
        arrivals.arrived(
          new DataView(event.detail.data.buffer, event.detail.data.byteOffset).getUint32(0),
        );
      });
    }
    return await measure(
      ANNOUNCEMENTS,
      (i) => nodes[i % nodeCount]!.host.services.pubsub.publish(BARE_TOPIC, payload(i, size)),
      (i) => arrivals.expect(i),
    );
  } finally {
    await stopAll(nodes);
  }
}

async function nightshiftRun(
  fixture: Fixture,
  entries: LogEntry[],
  seed: LogEntry[],
  dir: string,
): Promise<Run> {
  const nodes: GossipNode[] = [];
  try {
    for (let i = 0; i < NODES; i++) {
      nodes.push(
        await startGossipNode(join(dir, `node-${i}`), {
          seed: async (store) => {
            await store.targets.put(fixture.target);
            for (const entry of seed) await store.entries.add(entry);
          },
        }),
      );
    }
    await connectAll(nodes, topology(NODES));
    await waitForMesh(nodes, targetTopic(fixture.targetId, 'entries'));
    const hashes = entries.map((e) => hashHex(entryHash(e)));
    const index = new Map(hashes.map((h, i) => [h, i]));
    const arrivals = new Arrivals(NODES - 1);
    for (const node of nodes) {
      node.gossip.events.on('entry', ({ hash, from }) => {
        if (from !== undefined) arrivals.arrived(index.get(hashHex(hash))!);
      });
    }
    const encoded = entries.map(encodeEntry);
    const run = await measure(
      ANNOUNCEMENTS,
      (i) => nodes[i % NODES]!.gossip.publishEntry(encoded[i]!),
      (i) => arrivals.expect(i),
    );
    // Every node ends on the same head, the last entry.
    const heads = await Promise.all(nodes.map((n) => n.store.entries.head(fixture.targetId)));
    const last = hashes[hashes.length - 1];
    if (!heads.every((h) => h && hashHex(h.head) === last)) throw new Error('heads differ');
    return run;
  } finally {
    await stopAll(nodes);
  }
}

/** Mean ms per entry of the gossip validator (with its store) and of validateEntry alone. */
async function validationCost(
  fixture: Fixture,
  entries: LogEntry[],
  genesis: LogEntry,
  dir: string,
) {
  const store = await Store.open(join(dir, 'validation'));
  try {
    await store.targets.put(fixture.target);
    await store.entries.add(genesis);
    const encoded = entries.map(encodeEntry);
    const modules = { store, now: Date.now };
    let start = performance.now();
    for (const data of encoded) {
      await validateGossipEntry(modules, { data, topicTarget: fixture.targetId });
    }
    const gossip = (performance.now() - start) / encoded.length;
    start = performance.now();
    let parent = genesis;
    for (const data of encoded) {
      const entry = decodeEntry(data);
      const error = await validateEntry(entry, { target: fixture.target, parent, now: Date.now() });
      if (error) throw error;
      parent = entry;
    }
    return { gossip, protocol: (performance.now() - start) / encoded.length };
  } finally {
    await store.close();
  }
}

// Real entries: a chain of ANNOUNCEMENTS + WARMUP entries on entry 0, built before any timing.
const fixture = await makeFixture({ name: 'bench-gossip' });
const chain = new ChainBuilder(fixture);
const genesis = await chain.genesis(10);
const entries: LogEntry[] = [];
let parent = genesis;
for (let i = 0; i < ANNOUNCEMENTS + WARMUP; i++) {
  parent = await chain.extend(parent, entryHash(parent));
  entries.push(parent);
}
const entryBytes = encodeEntry(entries[0]!).length;

const dir = await mkdtemp(join(tmpdir(), 'nightshift-bench-gossip-'));
let results: { bareTwo: Run; bareSwarm: Run; nightshift: Run };
let cost: { gossip: number; protocol: number };
try {
  results = {
    bareTwo: await bareRun(2, entryBytes),
    bareSwarm: await bareRun(NODES, entryBytes),
    nightshift: await nightshiftRun(fixture, entries, [genesis], dir),
  };
  cost = await validationCost(fixture, entries, genesis, dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}

const rows = [
  ['bare gossipsub, 2 nodes, 1 hop', stats(results.bareTwo.perNode), undefined],
  [
    `bare gossipsub, ${NODES} nodes`,
    stats(results.bareSwarm.perNode),
    stats(results.bareSwarm.toAll),
  ],
  [
    `nightshift entries, ${NODES} nodes`,
    stats(results.nightshift.perNode),
    stats(results.nightshift.toAll),
  ],
] as const;
const base = rows[0][1];
const ms = (x: number) => `${x.toFixed(2)} ms`;

if (values.json) {
  console.log(
    JSON.stringify({
      nodes: NODES,
      announcements: ANNOUNCEMENTS,
      entryBytes,
      validationMsPerEntry: cost,
      rows: rows.map(([name, perNode, toAll]) => ({ name, perNode, toAll })),
    }),
  );
} else {
  console.log(
    `${ANNOUNCEMENTS} announcements (after ${WARMUP} warm-up) of ${entryBytes} bytes; ` +
      `${NODES} nodes, ring + links 5 ahead; one process`,
  );
  console.log('');
  console.log('| run | per node p50 | per node p99 | to all p50 | to all p99 | p50 / bare |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, perNode, toAll] of rows) {
    console.log(
      `| ${name} | ${ms(perNode.p50)} | ${ms(perNode.p99)} | ` +
        `${toAll ? ms(toAll.p50) : '—'} | ${toAll ? ms(toAll.p99) : '—'} | ` +
        `${(perNode.p50 / base.p50).toFixed(1)}× |`,
    );
  }
  console.log('');
  console.log(
    `one node, no network: the gossip validator (decode, look-ups, validateEntry, store) ` +
      `${ms(cost.gossip)} per entry, of which validateEntry ${ms(cost.protocol)}`,
  );
}
