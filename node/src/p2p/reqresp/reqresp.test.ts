import '../../polyfill.ts';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import {
  blobHash,
  encodeEntry,
  encodeFetchRequest,
  entryHash,
  hashHex,
  type LogEntry,
  TAG,
  taggedHash,
} from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import { Store } from '@nightshift/store';
import { createHost, type Host } from '../host.ts';
import { openRequest } from './client.ts';
import { PROTOCOLS } from './constants.ts';
import { isReqRespError, type ReqRespErrorCode } from './errors.ts';
import { ReqResp } from './reqresp.ts';

async function rejectsWith(promise: Promise<unknown>, code: ReqRespErrorCode) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isReqRespError(err), String(err));
    assert.equal(err.code, code, err.message);
    return true;
  });
}

const hex = (bytes: Uint8Array | undefined) => bytes && Buffer.from(bytes).toString('hex');

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('request/response between two hosts', () => {
  const cleanup: (() => Promise<void>)[] = [];
  let server: { host: Host; store: Store; reqResp: ReqResp };
  let client: { host: Host; reqResp: ReqResp };
  let entries: LogEntry[];
  let fixture: Awaited<ReturnType<typeof makeFixture>>;
  const blob = Uint8Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 31) & 0xff);

  async function peer() {
    const host = await createHost({
      privateKey: await generateKeyPair('Ed25519'),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: [],
      mdns: false,
    });
    const dir = await mkdtemp(join(tmpdir(), 'nightshift-reqresp-'));
    const store = await Store.open(dir);
    const reqResp = new ReqResp({}, { host, store });
    await reqResp.start();
    cleanup.push(async () => {
      await reqResp.stop();
      for (const connection of host.getConnections()) connection.abort(new Error('done'));
      await host.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    return { host, store, reqResp };
  }

  before(async () => {
    server = await peer();
    client = await peer();
    fixture = await makeFixture({ name: 'reqresp' });
    const chain = new ChainBuilder(fixture);
    entries = [await chain.genesis()];
    for (let i = 1; i < 6; i++) {
      const parent = entries[i - 1]!;
      entries.push(await chain.extend(parent, entryHash(parent)));
    }
    await server.store.targets.put(fixture.target);
    await server.store.trees.put(fixture.tree);
    for (const entry of entries) await server.store.entries.add(entry);
    await server.store.blobs.put(blob);
    await client.host.dial(server.host.getMultiaddrs()[0]!);
  });
  after(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('exchange statuses: each side learns the heads of the other', async () => {
    const heard: string[] = [];
    server.reqResp.on('status', ({ peer }) => heard.push(peer));
    const status = await client.reqResp.status(server.host.peerId);
    assert.equal(status.heads.length, 1);
    assert.equal(hashHex(status.heads[0]!.head), hashHex(entryHash(entries[5]!)));
    assert.equal(status.heads[0]!.height, 5);
    assert.deepEqual(heard, [client.host.peerId.toString()]);
  });

  it('serve a range of the canonical chain as canonical entry bytes, and nothing past the head', async () => {
    const target = fixture.targetId;
    const range = await collect(
      client.reqResp.entries(server.host.peerId, { target, from: 2, count: 3 }),
    );
    assert.deepEqual(range.map(hex), entries.slice(2, 5).map(encodeEntry).map(hex));
    const tail = await collect(
      client.reqResp.entries(server.host.peerId, { target, from: 4, count: 10 }),
    );
    assert.equal(tail.length, 2);
    const past = await collect(
      client.reqResp.entries(server.host.peerId, { target, from: 9, count: 10 }),
    );
    assert.deepEqual(past, []);
    const unknown = new Uint8Array(32).fill(9);
    assert.deepEqual(
      await collect(
        client.reqResp.entries(server.host.peerId, { target: unknown, from: 0, count: 1 }),
      ),
      [],
    );
  });

  it('refuse a range of no entries or of more than 512', async () => {
    const target = fixture.targetId;
    for (const count of [0, 513]) {
      await rejectsWith(
        collect(client.reqResp.entries(server.host.peerId, { target, from: 0, count })),
        'invalid_request',
      );
    }
  });

  it('fetch objects by hash in the order asked, marking the ones the responder lacks', async () => {
    const missing = new Uint8Array(32).fill(1);
    const [target, none] = await client.reqResp.fetchObjects(server.host.peerId, 'target', [
      fixture.targetId,
      missing,
    ]);
    assert.equal(none, undefined);
    assert.equal(
      hashHex(taggedHash(TAG.target, target!.subarray(0, target!.length - 65))),
      hashHex(fixture.targetId),
    );
    const [entry] = await client.reqResp.fetchObjects(server.host.peerId, 'entry', [
      entryHash(entries[3]!),
    ]);
    assert.equal(hex(entry), hex(encodeEntry(entries[3]!)));
  });

  it('stream a blob in pieces of at most 1 MiB, whole or a byte range of it', async () => {
    const items = [];
    for await (const item of client.reqResp.fetchBlobs(server.host.peerId, [
      new Uint8Array(32),
      blobHash(blob),
    ])) {
      items.push({ hash: item.hash, pieces: item.pieces && (await collect(item.pieces)) });
    }
    assert.equal(items[0]!.pieces, undefined, 'the first is not there');
    const pieces = items[1]!.pieces!;
    assert.ok(pieces.every((p) => p.length <= 1024 * 1024));
    assert.ok(Buffer.concat(pieces).equals(blob));

    const range = { offset: 1024 * 1024 - 5, length: 1024 * 1024 + 10 };
    let part = Buffer.alloc(0);
    for await (const item of client.reqResp.fetchBlobs(server.host.peerId, [blobHash(blob)], {
      range,
    })) {
      // An item's pieces are read before the next item is asked for.
      part = Buffer.concat(await collect(item.pieces!));
    }
    assert.ok(part.equals(blob.subarray(range.offset, range.offset + range.length)));
  });

  it('refuse a byte range over several blobs, and an empty fetch', async () => {
    const refused = encodeFetchRequest({
      kind: 'blob',
      hashes: [blobHash(blob), blobHash(blob)],
      range: { offset: 0, length: 1 },
    });
    const response = await openRequest(
      client.host,
      server.host.peerId,
      PROTOCOLS.fetch,
      refused,
      client.reqResp.options,
    );
    const chunk = await response.next();
    assert.equal(chunk?.result, 'invalid_request');
    assert.equal(await response.next(), undefined);
    response.close();
    await rejectsWith(
      client.reqResp.fetchObjects(server.host.peerId, 'tree', []),
      'invalid_request',
    );
  });

  it('time out a request whose response does not come, without harming the next one', async () => {
    await server.host.handle('/nightshift/silent/1', () => {});
    const silent = { ...PROTOCOLS.status, id: '/nightshift/silent/1' };
    const response = await openRequest(client.host, server.host.peerId, silent, new Uint8Array(1), {
      ...client.reqResp.options,
      frameTimeoutMs: 50,
    });
    await rejectsWith(response.next(), 'timeout');
    const status = await client.reqResp.status(server.host.peerId);
    assert.equal(status.heads.length, 1);
  });
});
