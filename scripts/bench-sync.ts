/**
 * Range sync throughput: entries per second that a joining node range-syncs from a peer over
 * loopback TCP (Noise, Yamux), next to reading and checking the same entries from its own
 * store in the same run (getManyBytes, decode, validateEntry against the parent): the work a
 * node cannot skip, without the network. Goal: sync at least 50% of the local rate.
 *
 * The serving peer runs in a child process, as a real peer would (its reads and encryption
 * do not share the joiner's thread). The joiner syncs entries only (fetchTrees off), so the
 * figure is range sync itself; every entry is still decoded, hashed, link-checked, validated
 * (signatures included) and stored. Validation runs on the sync's worker thread, as in a node;
 * `--threads 0` validates on the main thread instead.
 *
 *   node --import tsx scripts/bench-sync.ts [--entries 10000] [--rounds 3] [--threads N]
 */
import '../node/src/polyfill.ts';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { multiaddr } from '@multiformats/multiaddr';
import {
  decodeEntry,
  type Hash,
  hashHex,
  type LogEntry,
  validateEntry,
} from '@nightshift/protocol';
import { Store } from '@nightshift/store';
import { createHost } from '../node/src/p2p/host.ts';
import { ReqResp } from '../node/src/p2p/reqresp/index.ts';
import { Sync } from '../node/src/p2p/sync/index.ts';
import { copyChainStore } from '../test/sync-chain-cache.ts';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string' },
    serve: { type: 'string' },
  },
});

async function quietHost() {
  return createHost({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    mdns: false,
  });
}

/** Child mode: serve a store over request/response until stdin closes. */
async function serve(dataDir: string): Promise<void> {
  const store = await Store.open(dataDir);
  const host = await quietHost();
  const reqResp = new ReqResp({}, { host, store });
  await reqResp.start();
  process.stdout.write(`${JSON.stringify({ addr: host.getMultiaddrs()[0]!.toString() })}\n`);
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on('end', resolve));
  await reqResp.stop();
  for (const connection of host.getConnections()) connection.abort(new Error('done'));
  await host.stop();
  await store.close();
  process.exit(0);
}

/** Starts a serving peer in a child process; returns its address and a stop function. */
async function servingPeer(dataDir: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve', dataDir],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serving peer exited with ${code}`)));
  });
  const { addr } = JSON.parse(line) as { addr: string };
  return {
    addr,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

/** Reads the canonical chain from a local store and checks every entry as sync would. */
async function readAndCheck(store: Store, targetId: Hash): Promise<number> {
  const target = (await store.targets.get(targetId))!;
  const hashes: Hash[] = [];
  for await (const { hash } of store.entries.canonical(targetId)) hashes.push(hash);
  let parent: LogEntry | undefined;
  for (let i = 0; i < hashes.length; i += 512) {
    for (const bytes of await store.entries.getManyBytes(hashes.slice(i, i + 512))) {
      const entry = decodeEntry(bytes!);
      const error = await validateEntry(entry, { target, parent, now: Date.now() });
      if (error) throw error;
      parent = entry;
    }
  }
  return hashes.length;
}

async function syncOnce(addr: string, dataDir: string, head: Hash): Promise<number> {
  const store = await Store.open(dataDir);
  const host = await quietHost();
  const threads = args.threads === undefined ? {} : { validationThreads: Number(args.threads) };
  const sync = new Sync({ fetchTrees: false, statusIntervalMs: 0, ...threads }, { host, store });
  await sync.start();
  const started = performance.now();
  await host.dial(multiaddr(addr));
  await sync.idle();
  const seconds = (performance.now() - started) / 1000;
  const reached = await store.entries.head((await store.entries.heads())[0]!.target);
  if (!reached || hashHex(reached.head) !== hashHex(head)) throw new Error('sync fell short');
  await sync.stop();
  for (const connection of host.getConnections()) connection.abort(new Error('done'));
  await host.stop();
  await store.close();
  return seconds;
}

async function main(): Promise<void> {
  const count = Number(args.entries);
  const rounds = Number(args.rounds);
  const dir = await mkdtemp(join(tmpdir(), 'nightshift-bench-sync-'));
  try {
    const source = join(dir, 'source');
    const local = join(dir, 'local');
    await copyChainStore(count, source);
    await copyChainStore(count, local);
    const localStore = await Store.open(local);
    const [head] = await localStore.entries.heads();
    if (!head) throw new Error('no chain');
    const peer = await servingPeer(source);
    const rows: { local: number; sync: number }[] = [];
    try {
      for (let round = 0; round < rounds; round++) {
        let started = performance.now();
        const checked = await readAndCheck(localStore, head.target);
        const localRate = checked / ((performance.now() - started) / 1000);
        started = performance.now();
        const syncSeconds = await syncOnce(peer.addr, join(dir, `joiner-${round}`), head.head);
        const syncRate = count / syncSeconds;
        rows.push({ local: localRate, sync: syncRate });
        console.log(
          `round ${round + 1}: local read+check ${localRate.toFixed(0)} entries/s, ` +
            `range sync ${syncRate.toFixed(0)} entries/s, ratio ${(syncRate / localRate).toFixed(2)}`,
        );
      }
    } finally {
      await peer.stop();
      await localStore.close();
    }
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    const localRate = median(rows.map((r) => r.local));
    const synced = median(rows.map((r) => r.sync));
    const ratio = median(rows.map((r) => r.sync / r.local));
    console.log(
      JSON.stringify({
        entries: count,
        rounds,
        validationThreads: args.threads ?? 'default',
        localEntriesPerSecond: Math.round(localRate),
        syncEntriesPerSecond: Math.round(synced),
        ratio: Number(ratio.toFixed(3)),
        goal: 0.5,
        met: ratio >= 0.5,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (args.serve) await serve(args.serve);
else await main();
