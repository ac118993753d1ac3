/**
 * Helpers for the multi-node sync tests: real libp2p hosts on 127.0.0.1 (TCP, mDNS off),
 * each with its own store and Sync, and chains of real signed entries.
 */
import '../node/src/polyfill.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { entryHash, type Hash, hashHex, type LogEntry } from '@nightshift/protocol';
import type { ChainBuilder, Fixture } from '@nightshift/protocol/testing';
import { Store } from '@nightshift/store';
import { createHost, type Host } from '../node/src/p2p/host.ts';
import { Sync, type SyncOptions } from '../node/src/p2p/sync/index.ts';
import { copyChainStore } from './sync-chain-cache.ts';

// One scratch directory per test file, registered at import so that it outlives every test.
const scratch = await mkdtemp(join(tmpdir(), 'nightshift-sync-'));
after(() => rm(scratch, { recursive: true, force: true }));
let dirs = 0;

/** A directory that does not exist yet, removed with the scratch directory. */
export function freshDataDir(label: string): string {
  dirs += 1;
  return join(scratch, `${label}-${dirs}`);
}

/** A copy of the cached source store with a chain of `count` entries (see sync-chain-cache). */
export async function cachedChainStore(count: number): Promise<string> {
  const dataDir = freshDataDir('source');
  await copyChainStore(count, dataDir);
  return dataDir;
}

export interface TestNode {
  host: Host;
  store: Store;
  sync: Sync;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startNode(
  options: { dataDir?: string; sync?: Partial<SyncOptions> } = {},
): Promise<TestNode> {
  const host = await createHost({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    mdns: false,
    start: false,
  });
  const dataDir = options.dataDir ?? freshDataDir('node');
  const store = await Store.open(dataDir);
  const sync = new Sync(options.sync ?? {}, { host, store });
  await sync.start();
  await host.start();
  let stopped = false;
  return {
    host,
    store,
    sync,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await sync.stop();
      // Closing connections politely waits for each; these are test nodes.
      for (const connection of host.getConnections()) connection.abort(new Error('test over'));
      await host.stop();
      await store.close();
    },
  };
}

export async function connect(a: TestNode, b: TestNode): Promise<void> {
  await a.host.dial(b.host.getMultiaddrs()[0]!);
}

/** Polls `check` until it holds, or fails after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Stores the fixture's target, baseline tree and blobs, as the node that created it would. */
export async function storeTarget(store: Store, fixture: Fixture): Promise<void> {
  await store.targets.put(fixture.target);
  await store.trees.put(fixture.tree);
  for (const content of fixture.blobs.values()) await store.blobs.put(content);
}

/** Stores entries with their candidate trees (their blobs are the fixture's). */
export async function storeEntries(
  store: Store,
  chain: ChainBuilder,
  entries: LogEntry[],
): Promise<void> {
  for (const entry of entries) {
    await store.entries.add(entry);
    await store.trees.put(chain.trees.get(hashHex(entry.candidate.tree))!);
  }
}

/** The target's head hash in this store, as hex. */
export async function headOf(store: Store, target: Hash): Promise<string | undefined> {
  const head = await store.entries.head(target);
  return head && hashHex(head.head);
}

/** `count` entries extending `parent` one after another; returns them with their hashes. */
export async function extendChain(
  chain: ChainBuilder,
  parent: LogEntry,
  count: number,
  step?: number,
): Promise<{ entry: LogEntry; hash: Hash }[]> {
  const out: { entry: LogEntry; hash: Hash }[] = [];
  let previous = parent;
  for (let i = 0; i < count; i++) {
    const options = step === undefined ? {} : { metric: previous.metric + step };
    const entry = await chain.extend(previous, entryHash(previous), options);
    out.push({ entry, hash: entryHash(entry) });
    previous = entry;
  }
  return out;
}
