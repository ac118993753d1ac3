import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeEntry,
  entryHash,
  type Hash,
  hashHex,
  type LogEntry,
  ZERO_HASH,
} from '@nightshift/protocol';
import { ChainBuilder, type FixtureOptions, makeFixture } from '@nightshift/protocol/testing';
import { freshDataDir, openFreshStore } from '../testing/index.ts';
import { isStoreError, type StoreErrorCode } from './errors.ts';
import { Store } from './store.ts';

interface Node {
  entry: LogEntry;
  hash: Hash;
}

async function setup(options: FixtureOptions = {}) {
  const fixture = await makeFixture(options);
  const chain = new ChainBuilder(fixture);
  const { store, dataDir } = await openFreshStore('entries');
  await store.targets.put(fixture.target);
  const genesis = node(await chain.genesis());
  /** A child of `parent` with the given verified metric. */
  const child = async (parent: Node, metric: number) =>
    node(await chain.extend(parent.entry, parent.hash, { metric }));
  return { fixture, chain, store, dataDir, genesis, child };
}

function node(entry: LogEntry): Node {
  return { entry, hash: entryHash(entry) };
}

async function chainOf(store: Store, target: Hash): Promise<string[]> {
  const out: string[] = [];
  for await (const link of store.entries.canonical(target)) {
    assert.equal(link.height, out.length, 'canonical heights are contiguous from 0');
    out.push(hashHex(link.hash));
  }
  return out;
}

const hexes = (...nodes: Node[]) => nodes.map((n) => hashHex(n.hash));

async function rejectsWith(promise: Promise<unknown>, code: StoreErrorCode) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isStoreError(err), `not a StoreError: ${err}`);
    assert.equal(err.code, code);
    return true;
  });
}

describe('EntryRepository', () => {
  it('keeps entries as canonical bytes, findable by hash, height and chain after reopening', async () => {
    const { fixture, store, dataDir, genesis, child } = await setup();
    const a1 = await child(genesis, 2.48);
    const a2 = await child(a1, 2.45);
    for (const n of [genesis, a1, a2]) await store.entries.add(n.entry);
    await store.close();

    const reopened = await Store.open(dataDir);
    try {
      assert.deepEqual(encodeEntry((await reopened.entries.get(a2.hash))!), encodeEntry(a2.entry));
      assert.deepEqual(await reopened.entries.getBytes(a1.hash), encodeEntry(a1.entry));
      assert.deepEqual(await reopened.entries.atHeight(fixture.targetId, 1), [a1.hash]);
      assert.deepEqual(await chainOf(reopened, fixture.targetId), hexes(genesis, a1, a2));
      assert.deepEqual(await reopened.entries.head(fixture.targetId), {
        target: fixture.targetId,
        head: a2.hash,
        height: 2,
        metric: 2.45,
      });
      assert.equal(await reopened.entries.count(fixture.targetId), 3);
    } finally {
      await reopened.close();
    }
  });

  it('keeps a worse branch as indexed orphans while the head stays on the better chain', async () => {
    const { fixture, store, genesis, child } = await setup();
    const good = await child(genesis, 2.4);
    const worse = await child(genesis, 2.45);
    const worseChild = await child(worse, 2.42);
    for (const n of [genesis, good, worse, worseChild]) await store.entries.add(n.entry);

    const head = await store.entries.head(fixture.targetId);
    assert.equal(hashHex(head!.head), hashHex(good.hash));
    assert.deepEqual(await chainOf(store, fixture.targetId), hexes(genesis, good));
    assert.deepEqual(
      new Set((await store.entries.atHeight(fixture.targetId, 1)).map(hashHex)),
      new Set(hexes(good, worse)),
    );
    assert.deepEqual(await store.entries.getBytes(worseChild.hash), encodeEntry(worseChild.entry));
    assert.equal(await store.entries.count(fixture.targetId), 4);
    await store.close();
  });

  it('moves the head to a better branch and rewrites the chain from the fork point', async () => {
    const { fixture, store, genesis, child } = await setup();
    const a1 = await child(genesis, 2.48);
    const a2 = await child(a1, 2.46);
    const a3 = await child(a2, 2.44);
    const b1 = await child(genesis, 2.4);
    const b2 = await child(b1, 2.3);
    const a4 = await child(a3, 2.2);
    const target = fixture.targetId;
    for (const n of [genesis, a1, a2, a3]) await store.entries.add(n.entry);
    assert.deepEqual(await chainOf(store, target), hexes(genesis, a1, a2, a3));

    // A shorter but better branch: the keys above its height go.
    const toB1 = await store.entries.add(b1.entry);
    assert.equal(toB1.headChanged, true);
    assert.deepEqual(toB1.reorg, { oldHead: a3.hash, forkHeight: 0 });
    assert.deepEqual(await chainOf(store, target), hexes(genesis, b1));
    assert.equal(await store.entries.canonicalAt(target, 2), undefined);

    const toB2 = await store.entries.add(b2.entry);
    assert.equal(toB2.headChanged, true);
    assert.equal(toB2.reorg, undefined, 'extending the head is no reorg');
    assert.deepEqual(await chainOf(store, target), hexes(genesis, b1, b2));

    const toA4 = await store.entries.add(a4.entry);
    assert.deepEqual(toA4.reorg, { oldHead: b2.hash, forkHeight: 0 });
    assert.deepEqual(await chainOf(store, target), hexes(genesis, a1, a2, a3, a4));
    await store.close();
  });

  it('leaves head and chain alone when a worse entry arrives', async () => {
    const { fixture, store, genesis, child } = await setup();
    const best = await child(genesis, 2.3);
    const worse = await child(genesis, 2.45);
    await store.entries.add(genesis.entry);
    await store.entries.add(best.entry);
    const result = await store.entries.add(worse.entry);
    assert.equal(result.added, true);
    assert.equal(result.headChanged, false);
    assert.equal(hashHex(result.head.head), hashHex(best.hash));
    assert.deepEqual(await chainOf(store, fixture.targetId), hexes(genesis, best));
    await store.close();
  });

  it('breaks a tie in metric in favour of the lower entry hash, whichever arrives first', async () => {
    const { fixture, store, genesis, child } = await setup();
    const x = await child(genesis, 2.4);
    const y = await child(genesis, 2.4);
    const [low, high] = hashHex(x.hash) < hashHex(y.hash) ? [x, y] : [y, x];
    const other = await Store.open(await freshDataDir('tie'));
    await other.targets.put(fixture.target);
    for (const [s, order] of [
      [store, [genesis, low, high]],
      [other, [genesis, high, low]],
    ] as const) {
      for (const n of order) await s.entries.add(n.entry);
      assert.equal(hashHex((await s.entries.head(fixture.targetId))!.head), hashHex(low.hash));
      assert.deepEqual(await chainOf(s, fixture.targetId), hexes(genesis, low));
      await s.close();
    }
  });

  it('reaches the same head and chain whatever order the same entries arrive in', async () => {
    const { fixture, store, genesis, child } = await setup({ direction: 'maximize' });
    // A bushy tree: each new entry extends one of the last few, with varied steps and ties.
    const nodes = [genesis];
    const steps = [0.02, 0.05, 0.02, 0.11, 0.03, 0.02];
    for (let i = 0; i < 36; i++) {
      const parent = nodes[Math.max(0, nodes.length - 1 - ((i * 7) % 5))]!;
      nodes.push(await child(parent, parent.entry.metric + steps[i % steps.length]!));
    }
    // Another topological order: repeatedly take the last ready entry instead of the first.
    const shuffled: Node[] = [];
    const placed = new Set([hashHex(ZERO_HASH)]);
    const waiting = [...nodes];
    while (waiting.length > 0) {
      const i = waiting.findLastIndex((n) => placed.has(hashHex(n.entry.prev)));
      const [next] = waiting.splice(i, 1);
      shuffled.push(next!);
      placed.add(hashHex(next!.hash));
    }
    assert.notDeepEqual(hexes(...shuffled), hexes(...nodes), 'the orders differ');

    const other = await Store.open(await freshDataDir('order'));
    await other.targets.put(fixture.target);
    for (const n of nodes) await store.entries.add(n.entry);
    for (const n of shuffled) await other.entries.add(n.entry);
    const target = fixture.targetId;
    assert.deepEqual(await store.entries.head(target), await other.entries.head(target));
    assert.deepEqual(await chainOf(store, target), await chainOf(other, target));
    const all = async (s: Store) => {
      const out: string[] = [];
      for await (const e of s.entries.indexed(target)) out.push(`${e.height}:${hashHex(e.hash)}`);
      return out;
    };
    assert.deepEqual(await all(store), await all(other));
    assert.equal((await all(store)).length, nodes.length);
    await Promise.all([store.close(), other.close()]);
  });

  it('serializes concurrent adds so they end where sequential adds end', async () => {
    const { fixture, store, genesis, child } = await setup();
    const nodes = [genesis];
    for (let i = 0; i < 24; i++) {
      const parent = nodes[(i * 5) % nodes.length]!;
      nodes.push(await child(parent, parent.entry.metric - 0.02 - (i % 4) * 0.01));
    }
    const sequential = await Store.open(await freshDataDir('sequential'));
    await sequential.targets.put(fixture.target);
    for (const n of nodes) await sequential.entries.add(n.entry);
    await Promise.all(nodes.map((n) => store.entries.add(n.entry)));
    const target = fixture.targetId;
    assert.deepEqual(await store.entries.head(target), await sequential.entries.head(target));
    assert.deepEqual(await chainOf(store, target), await chainOf(sequential, target));
    await Promise.all([store.close(), sequential.close()]);
  });

  it('refuses an entry whose parent is not stored, and stores nothing of it', async () => {
    const { fixture, store, genesis, child } = await setup();
    const a1 = await child(genesis, 2.4);
    await rejectsWith(store.entries.add(a1.entry), 'unknown_parent');
    assert.equal(await store.entries.has(a1.hash), false);
    assert.equal(await store.entries.count(fixture.targetId), 0);
    assert.equal(await store.entries.head(fixture.targetId), undefined);
    await store.close();
  });

  it('refuses an entry whose target is not stored', async () => {
    const other = await setup({ name: 'other' });
    const { store, genesis } = await setup();
    await rejectsWith(store.entries.add(other.genesis.entry), 'unknown_target');
    await store.entries.add(genesis.entry);
    await Promise.all([store.close(), other.store.close()]);
  });

  it('refuses entries whose height does not follow from their parent', async () => {
    const { store, genesis, child } = await setup();
    const a1 = await child(genesis, 2.4);
    await store.entries.add(genesis.entry);
    await rejectsWith(store.entries.add({ ...a1.entry, height: 0 }), 'bad_link');
    await rejectsWith(store.entries.add({ ...a1.entry, height: 2 }), 'bad_link');
    await store.close();
  });

  it('treats a second add of the same entry as a no-op', async () => {
    const { store, genesis } = await setup();
    assert.equal((await store.entries.add(genesis.entry)).added, true);
    const again = await store.entries.addBytes(encodeEntry(genesis.entry));
    assert.equal(again.added, false);
    assert.equal(again.headChanged, false);
    assert.equal(hashHex(again.head.head), hashHex(genesis.hash));
    await store.close();
  });

  it('addValidated stores a valid entry and returns the protocol error of an invalid one', async () => {
    const { store, genesis, chain } = await setup();
    const first = await store.entries.addValidated(genesis.entry, { now: Date.now() });
    assert.equal(first.ok, true);
    const worse = node(await chain.extend(genesis.entry, genesis.hash, { metric: 2.6 }));
    const refused = await store.entries.addValidated(worse.entry, { now: Date.now() });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error.code, 'not_improvement');
    assert.equal(await store.entries.has(worse.hash), false);
    await store.close();
  });

  it('lists every head sorted by target id and serves chain ranges', async () => {
    const one = await setup({ name: 'one' });
    const two = await makeFixture({ name: 'two' });
    const twoGenesis = node(await new ChainBuilder(two).genesis(3));
    const { store } = one;
    await store.targets.put(two.target);
    const a1 = await one.child(one.genesis, 2.4);
    const a2 = await one.child(a1, 2.3);
    for (const n of [one.genesis, a1, a2, twoGenesis]) await store.entries.add(n.entry);

    const heads = await store.entries.heads();
    const expected = [
      { target: one.fixture.targetId, head: a2.hash, height: 2, metric: 2.3 },
      { target: two.targetId, head: twoGenesis.hash, height: 0, metric: 3 },
    ].sort((a, b) => (hashHex(a.target) < hashHex(b.target) ? -1 : 1));
    assert.deepEqual(heads, expected);

    const range = [];
    for await (const link of store.entries.canonical(one.fixture.targetId, { from: 1, limit: 1 })) {
      range.push(link);
    }
    assert.deepEqual(range, [{ height: 1, hash: a1.hash }]);
    await store.close();
  });
});
