/**
 * The crash test's workload: two targets with branchy logs (so reorgs happen), built once by
 * the test and written to a file as length-prefixed canonical objects, targets first. The
 * writer child only reads the file and writes, so every run writes the same bytes in the
 * same order.
 */
import { readFile, writeFile } from 'node:fs/promises';
import {
  concatBytes,
  encodeEntry,
  encodeSigned,
  entryHash,
  type Hash,
  hashHex,
  type LogEntry,
  preferredEntry,
  TARGET,
} from '@nightshift/protocol';
import { ChainBuilder, type FixtureOptions, makeFixture } from '@nightshift/protocol/testing';

export interface Workload {
  targets: Uint8Array[];
  /** Entries in write order: parents before children, the two targets interleaved. */
  entries: { bytes: Uint8Array; hash: Hash; target: Hash; metric: number }[];
  /** How many times the first `n` entries move a head to a branch that does not extend it. */
  reorgsWithin(n: number): number;
}

interface Node {
  entry: LogEntry;
  hash: Hash;
  metric: number;
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `perTarget` entries on one target. Each new entry extends one of the three best entries so
 * far by 1.5 to 5 minDelta, so branches keep overtaking each other; now and then one ties the
 * head exactly, so the lower hash decides. One verifier signs, to keep building cheap.
 */
async function buildLog(options: FixtureOptions, perTarget: number, seed: number) {
  const fixture = await makeFixture({ verifierCount: 1, quorum: 1, ...options });
  const chain = new ChainBuilder(fixture);
  const random = prng(seed);
  const { minDelta, metric: spec } = fixture.target;
  const sign = spec.direction === 'minimize' ? -1 : 1;
  const nodes: Node[] = [];
  /** The three best entries so far, best first (fork choice order). */
  let best: Node[] = [];
  const add = (entry: LogEntry) => {
    const node = { entry, hash: entryHash(entry), metric: entry.metric };
    nodes.push(node);
    best = [...best, node].sort((x, y) => (preferredEntry(x, y, spec.direction) === x ? -1 : 1));
    best = best.slice(0, 3);
  };
  add(await chain.genesis(2.5));
  const byHash = new Map<string, Node>([[hashHex(nodes[0]!.hash), nodes[0]!]]);
  while (nodes.length < perTarget) {
    const head = best[0]!;
    let parent = best[Math.floor(random() * best.length)]!;
    let metric = parent.metric + sign * minDelta * [1.5, 2, 3, 5][Math.floor(random() * 4)]!;
    const headParent = byHash.get(hashHex(head.entry.prev));
    if (headParent && random() < 0.1) {
      parent = headParent;
      metric = head.metric;
    }
    add(await chain.extend(parent.entry, parent.hash, { metric }));
    byHash.set(hashHex(nodes.at(-1)!.hash), nodes.at(-1)!);
  }
  return { fixture, nodes };
}

export async function buildWorkload(perTarget: number): Promise<Workload> {
  const logs = [
    await buildLog({ name: 'crash-a', direction: 'minimize' }, perTarget, 1),
    await buildLog({ name: 'crash-b', direction: 'maximize' }, perTarget, 2),
  ];
  const entries: Workload['entries'] = [];
  const reorgs: number[] = [];
  const heads = new Map<string, Node>();
  for (let i = 0; i < perTarget; i++) {
    for (const { fixture, nodes } of logs) {
      const node = nodes[i]!;
      const { entry, hash } = node;
      entries.push({
        bytes: encodeEntry(entry),
        hash,
        target: fixture.targetId,
        metric: entry.metric,
      });
      const key = hashHex(fixture.targetId);
      const head = heads.get(key);
      const wins = !head || preferredEntry(head, node, fixture.target.metric.direction) === node;
      if (wins) heads.set(key, node);
      const reorg = head && wins && hashHex(entry.prev) !== hashHex(head.hash);
      reorgs.push((reorgs.at(-1) ?? 0) + (reorg ? 1 : 0));
    }
  }
  return {
    targets: logs.map((l) => encodeSigned(TARGET, l.fixture.target)),
    entries,
    reorgsWithin: (n) => (n === 0 ? 0 : reorgs[Math.min(n, reorgs.length) - 1]!),
  };
}

export async function writeWorkload(path: string, work: Workload): Promise<void> {
  const records = [...work.targets, ...work.entries.map((e) => e.bytes)];
  const parts: Uint8Array[] = [];
  for (const bytes of records) {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, bytes.length, false);
    parts.push(length, bytes);
  }
  await writeFile(path, concatBytes(parts));
}

/** The records of a workload file, in order. */
export async function readRecords(path: string): Promise<Uint8Array[]> {
  const file = new Uint8Array(await readFile(path));
  const records: Uint8Array[] = [];
  for (let offset = 0; offset < file.length; ) {
    const length = new DataView(file.buffer, file.byteOffset + offset, 4).getUint32(0, false);
    records.push(file.slice(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return records;
}
