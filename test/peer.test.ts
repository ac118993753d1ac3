// Whole peers (identity, store, host, gossip, sync) on real TCP: a peer that joins late
// catches up by sync, follows new entries by gossip, and keeps its identity and log across
// a restart on the same data dir.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { encodeEntry, entryHash, type Hash, hashHex, type LogEntry } from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import { Store } from '@nightshift/store';
import { freshDataDir } from '@nightshift/store/testing';
import { LOOPBACK_SCORING } from '../node/src/p2p/gossip/index.ts';
import { Peer } from '../node/src/peer.ts';

const running = new Set<Peer>();
after(async () => {
  await Promise.all([...running].map((peer) => peer.stop()));
});

async function startPeer(dataDir: string, bootstrap: string[] = []): Promise<Peer> {
  const peer = await Peer.start({
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap,
    mdns: false,
    scoring: LOOPBACK_SCORING,
  });
  running.add(peer);
  return peer;
}

async function stopPeer(peer: Peer): Promise<void> {
  await peer.stop();
  running.delete(peer);
}

async function headOf(peer: Peer, target: Hash): Promise<string | undefined> {
  const head = await peer.store.entries.head(target);
  return head && hashHex(head.head);
}

/** Polls until `check` holds, or fails after `ms`. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a whole peer', () => {
  it('syncs a log when it joins, follows a new entry by gossip, and keeps both across a restart', async () => {
    const fixture = await makeFixture({ name: 'peer-test' });
    const chain = new ChainBuilder(fixture);
    const entries: LogEntry[] = [await chain.genesis(2.5)];
    for (let i = 1; i < 20; i++) {
      const parent = entries[i - 1]!;
      entries.push(await chain.extend(parent, entryHash(parent), { metric: 2.5 - i * 0.02 }));
    }
    const target = fixture.targetId;

    // The first peer holds the target and twenty entries.
    const aDir = await freshDataDir('a');
    const seeded = await Store.open(aDir);
    await seeded.targets.put(fixture.target);
    await seeded.trees.put(fixture.tree);
    for (const blob of fixture.blobs.values()) await seeded.blobs.put(blob);
    for (const entry of entries) await seeded.entries.add(entry);
    await seeded.close();
    const a = await startPeer(aDir);
    const expected = hashHex(entryHash(entries.at(-1)!));
    assert.equal(await headOf(a, target), expected);

    // A newcomer learns the head in the handshake and range-syncs the whole log.
    const bDir = await freshDataDir('b');
    const b = await startPeer(bDir, a.multiaddrs());
    await eventually(async () => (await headOf(b, target)) === expected, 'b synced');
    assert.equal(await b.store.entries.count(target), 20);

    // A new entry published at the first peer reaches the newcomer by gossip.
    const last = entries.at(-1)!;
    const next = await chain.extend(last, entryHash(last), { metric: 2.0 });
    await eventually(async () => b.gossip.followedTargets().length > 0, 'b follows the target');
    await eventually(async () => {
      await a.gossip.publishEntry(encodeEntry(next));
      return (await headOf(b, target)) === hashHex(entryHash(next));
    }, 'b received the new entry');

    // Restarted on the same data dir, it is the same peer with the same log.
    const { peerId } = b;
    await stopPeer(b);
    const again = await startPeer(bDir);
    assert.equal(again.peerId, peerId);
    assert.equal(await headOf(again, target), hashHex(entryHash(next)));
    assert.equal(await again.store.entries.count(target), 21);
  });
});
