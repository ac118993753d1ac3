/**
 * Blob fetch throughput: MiB/s of a 100 MB file fetched from a peer over loopback TCP (Noise,
 * Yamux) and written to the store, hash-checked, next to a raw `node:net` TCP transfer of the
 * same bytes between the same two processes in the same run. Goal: at least 60% of raw TCP.
 *
 * The serving peer runs in a child process (its store reads and encryption do not share the
 * fetcher's thread) and serves the libp2p protocols, a bare libp2p protocol that writes the
 * same bytes from memory, and a plain TCP socket that does the same. Lines printed, each the
 * median of the rounds:
 *   raw tcp                   node:net, bytes counted and dropped: the baseline
 *   bare libp2p stream        one libp2p stream (Noise, Yamux), bytes from memory, counted and
 *                             dropped: what the transport allows before nightshift does anything
 *   fetch, 1 stream           what a node does by default (Sync.fetchFiles): the blob as one
 *                             response, written to the store, which hashes it
 *   fetch, N ranges           the same with N byte ranges over N streams at once
 *   transfer only, 1 stream   the libp2p path alone: hashed with node:crypto, not stored
 *   transfer only, N ranges   the same over N streams
 *   store write only          raw TCP into store.blobs.write: what the store itself absorbs
 *
 *   node --import tsx scripts/bench-blobs.ts [--mb 100] [--rounds 3] [--ranges 4] [--segment-mb 8]
 */
import '../node/src/polyfill.ts';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { multiaddr } from '@multiformats/multiaddr';
import { type Hash, hashHex, TAG, type TreeFile, taggedHasher } from '@nightshift/protocol';
import { Store } from '@nightshift/store';
import { deterministicBytes } from '@nightshift/store/testing/bytes';
import { createHost } from '../node/src/p2p/host.ts';
import { ReqResp } from '../node/src/p2p/reqresp/index.ts';
import { downloadBlob } from '../node/src/p2p/sync/blob-download.ts';
import { Sync } from '../node/src/p2p/sync/index.ts';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    ranges: { type: 'string', default: '4' },
    'segment-mb': { type: 'string', default: '8' },
    serve: { type: 'string' },
    hash: { type: 'string' },
  },
});

const MIB = 1024 * 1024;
/** The bare libp2p baseline: the blob's bytes on one stream, no framing, no store. */
const BARE_PROTOCOL = '/nightshift-bench/bytes/1';

async function quietHost() {
  return createHost({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    mdns: false,
  });
}

/** Child mode: serve the store over libp2p and the blob's bytes over plain TCP. */
async function serve(dataDir: string, hash: Hash): Promise<void> {
  const store = await Store.open(dataDir);
  const chunks: Uint8Array[] = [];
  for await (const chunk of (await store.blobs.read(hash))!) chunks.push(chunk);
  const raw = createServer((socket: Socket) => {
    let i = 0;
    const pump = () => {
      while (i < chunks.length) if (!socket.write(chunks[i++]!)) return;
      socket.end();
    };
    socket.on('drain', pump);
    pump();
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  const host = await quietHost();
  const reqResp = new ReqResp({}, { host, store });
  await reqResp.start();
  await host.handle(BARE_PROTOCOL, async (stream) => {
    for (const chunk of chunks) if (!stream.send(chunk)) await stream.onDrain();
    await stream.close();
  });
  const rawPort = (raw.address() as { port: number }).port;
  process.stdout.write(
    `${JSON.stringify({ addr: host.getMultiaddrs()[0]!.toString(), rawPort })}\n`,
  );
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on('end', resolve));
  raw.close();
  await reqResp.stop();
  for (const connection of host.getConnections()) connection.abort(new Error('done'));
  await host.stop();
  await store.close();
  process.exit(0);
}

async function servingPeer(dataDir: string, hash: Hash) {
  const script = new URL(import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, '--serve', dataDir, '--hash', hashHex(hash)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serving peer exited with ${code}`)));
  });
  return {
    ...(JSON.parse(line) as { addr: string; rawPort: number }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

/** The raw TCP transfer: pieces as they arrive, ended when the server closes. */
async function* rawTcp(port: number): AsyncGenerator<Uint8Array> {
  const socket = createConnection({ port, host: '127.0.0.1' });
  for await (const chunk of socket) yield chunk as Uint8Array;
}

async function timed(run: () => Promise<void>, size: number): Promise<number> {
  const started = performance.now();
  await run();
  return size / MIB / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const size = Math.round(Number(args.mb) * 1000 * 1000);
  const rounds = Number(args.rounds);
  const ranges = Number(args.ranges);
  const segmentBytes = Number(args['segment-mb']) * MIB;
  const dir = await mkdtemp(join(tmpdir(), 'nightshift-bench-blobs-'));
  let fresh = 0;
  const freshStore = () => Store.open(join(dir, `joiner-${fresh++}`));
  try {
    const hasher = taggedHasher(TAG.blob);
    for (const chunk of deterministicBytes(size)) hasher.update(chunk);
    const hash = hasher.digest();
    const file: TreeFile = { path: 'big.bin', blob: hash, size, executable: false };
    const sourceStore = await Store.open(join(dir, 'source'));
    await sourceStore.blobs.write(hash, deterministicBytes(size));
    await sourceStore.close();
    const peer = await servingPeer(join(dir, 'source'), hash);

    const host = await quietHost();
    await host.dial(multiaddr(peer.addr));
    const peerId = host.getPeers()[0]!;
    // Requests only: nothing here is started, so this node answers nothing.
    const idleStore = await freshStore();
    const client = new ReqResp({}, { host, store: idleStore });
    const intoStore = async (parallel: number) => {
      const store = await freshStore();
      const options = {
        statusIntervalMs: 0,
        blobSegmentBytes: segmentBytes,
        blobParallelRanges: parallel,
      };
      const missing = await new Sync(options, { host, store }).fetchFiles([file], peerId);
      if (missing !== 0 || (await store.blobs.stat(hash))?.size !== size) {
        throw new Error('the blob did not arrive');
      }
      await store.close();
    };
    const transferOnly = async (parallel: number) => {
      const sha = createHash('sha256');
      const signal = new AbortController().signal;
      if (parallel > 1) {
        const options = { segmentBytes, parallel, signal };
        for await (const piece of downloadBlob(client, peerId, file, options)) sha.update(piece);
      } else {
        for await (const item of client.fetchBlobs(peerId, [hash], { signal })) {
          for await (const piece of item.pieces!) sha.update(piece);
        }
      }
      if (sha.digest().length !== 32) throw new Error('no digest');
    };

    const cases: [string, () => Promise<void>][] = [
      [
        'raw tcp',
        async () => {
          let received = 0;
          for await (const chunk of rawTcp(peer.rawPort)) received += chunk.length;
          if (received !== size) throw new Error(`raw: ${received} bytes`);
        },
      ],
      [
        'bare libp2p stream',
        async () => {
          let received = 0;
          const stream = await host.dialProtocol(peerId, BARE_PROTOCOL);
          for await (const chunk of stream) received += chunk.byteLength;
          if (received !== size) throw new Error(`bare libp2p: ${received} bytes`);
        },
      ],
      ['fetch, 1 stream', () => intoStore(1)],
      [`fetch, ${ranges} ranges`, () => intoStore(ranges)],
      ['transfer only, 1 stream', () => transferOnly(1)],
      [`transfer only, ${ranges} ranges`, () => transferOnly(ranges)],
      [
        'store write only',
        async () => {
          const store = await freshStore();
          await store.blobs.write(hash, rawTcp(peer.rawPort));
          await store.close();
        },
      ],
    ];
    const rates = new Map<string, number[]>(cases.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, run] of cases) rates.get(name)!.push(await timed(run, size));
      console.log(
        `round ${round + 1}: ${[...rates].map(([n, r]) => `${n} ${r.at(-1)!.toFixed(0)}`).join(', ')} MiB/s`,
      );
    }
    await peer.stop();
    for (const connection of host.getConnections()) connection.abort(new Error('done'));
    await host.stop();
    await idleStore.close();

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const raw = median(rates.get('raw tcp')!);
    const summary = Object.fromEntries(
      [...rates].map(([name, r]) => [
        name,
        { mibPerSecond: Math.round(median(r)), ofRaw: Number((median(r) / raw).toFixed(3)) },
      ]),
    );
    const headline = summary['fetch, 1 stream']!;
    const bare = median(rates.get('bare libp2p stream')!);
    console.log(
      JSON.stringify({
        megabytes: size / 1e6,
        rounds,
        ranges,
        segmentMiB: segmentBytes / MIB,
        ...summary,
        fetchOfBareLibp2p: Number((headline.mibPerSecond / bare).toFixed(3)),
        goal: 0.6,
        met: headline.ofRaw >= 0.6,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (args.serve) {
  const hex = args.hash!;
  await serve(args.serve, Uint8Array.from(Buffer.from(hex, 'hex')));
} else {
  await main();
}
