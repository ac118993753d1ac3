// Files travel peer to peer: a 100 MB file of a target's baseline tree arrives intact
// (streamed in ranges over several streams, hash-checked as it is written), from a peer
// that has it when the first peer asked does not.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  blobHash,
  entryHash,
  equalBytes,
  hashHex,
  idOf,
  makeTree,
  signObject,
  TAG,
  TARGET,
  type Target,
  taggedHasher,
  treeHash,
} from '@nightshift/protocol';
import { ChainBuilder, type Fixture, makeFixture } from '@nightshift/protocol/testing';
import { deterministicBytes } from '@nightshift/store/testing';
import type { SyncOptions } from '../node/src/p2p/sync/index.ts';
import { connect, startNode, storeTarget, type TestNode } from './sync-harness.ts';

function hashOf(chunks: Iterable<Uint8Array>): Uint8Array {
  const hasher = taggedHasher(TAG.blob);
  for (const chunk of chunks) hasher.update(chunk);
  return hasher.digest();
}

/** The fixture's target with a big file added to its baseline, signed again by its author. */
async function withBigFile(fixture: Fixture, blob: Uint8Array, size: number): Promise<Fixture> {
  const tree = makeTree([
    ...fixture.tree.files,
    { path: 'data/big.bin', blob, size, executable: false },
  ]);
  const { signature: _, ...unsigned } = fixture.target;
  const target: Target = await signObject(
    TARGET,
    { ...unsigned, baseline: treeHash(tree) },
    fixture.researcher,
  );
  return { ...fixture, target, targetId: idOf(TARGET, target), tree };
}

let nodes: TestNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  nodes = [];
});

/**
 * A joiner fetches a target whose baseline holds a file of `size` bytes. `lacking` has the
 * log and the tree but not the file; `holder` has every file and no entries, so it announces
 * nothing and is asked only for files. Returns the seconds the sync took.
 */
async function fetchBigFile(size: number, sync: Partial<SyncOptions> = {}): Promise<number> {
  const big = hashOf(deterministicBytes(size));
  const fixture = await withBigFile(await makeFixture({ name: 'big-file' }), big, size);
  const genesis = await new ChainBuilder(fixture).genesis();
  nodes = await Promise.all([startNode(), startNode(), startNode({ sync })]);
  const [lacking, holder, joiner] = nodes as [TestNode, TestNode, TestNode];
  await storeTarget(lacking.store, fixture);
  await lacking.store.entries.add(genesis);
  await storeTarget(holder.store, fixture);
  await holder.store.blobs.write(big, deterministicBytes(size));
  assert.equal(await lacking.store.blobs.has(big), false);

  await connect(joiner, holder);
  await joiner.sync.idle();
  const started = Date.now();
  await connect(joiner, lacking);
  await joiner.sync.syncWith(lacking.host.peerId);
  await joiner.sync.idle();
  const seconds = (Date.now() - started) / 1000;

  assert.ok(await joiner.store.targets.has(fixture.targetId), 'the target is stored');
  assert.ok(await joiner.store.entries.has(entryHash(genesis)), 'and its log');
  assert.equal((await joiner.store.blobs.stat(big))?.size, size);
  const hasher = taggedHasher(TAG.blob);
  let read = 0;
  for await (const chunk of (await joiner.store.blobs.read(big))!) {
    hasher.update(chunk);
    read += chunk.length;
  }
  assert.equal(read, size);
  assert.equal(hashHex(hasher.digest()), hashHex(big));
  for (const file of fixture.tree.files) assert.ok(await joiner.store.blobs.has(file.blob));
  return seconds;
}

describe('blob fetch', () => {
  it('brings a 100 MB file of a baseline tree intact over one stream, from the peer that has it', async (t) => {
    const seconds = await fetchBigFile(100 * 1000 * 1000);
    t.diagnostic(`100 MB fetched and stored in ${seconds.toFixed(1)} s`);
  });

  it('brings a 20 MB file intact in byte ranges over several streams at once', async () => {
    await fetchBigFile(20 * 1000 * 1000 + 3, {
      blobParallelRanges: 3,
      blobSegmentBytes: 4 * 1024 * 1024,
    });
  });

  it('refuses a blob whose bytes are not the blob named, storing nothing', async () => {
    const fixture = await makeFixture({ name: 'forged-file' });
    const real = new Uint8Array(64).fill(1);
    const forged = await withBigFile(fixture, blobHash(real), real.length);
    const genesis = await new ChainBuilder(forged).genesis();
    nodes = await Promise.all([startNode(), startNode()]);
    const [liar, joiner] = nodes as [TestNode, TestNode];
    await storeTarget(liar.store, forged);
    await liar.store.entries.add(genesis);
    // The liar serves other bytes of the same length under the blob's name.
    const other = new Uint8Array(64).fill(2);
    const original = liar.store.blobs.read.bind(liar.store.blobs);
    liar.store.blobs.read = async (hash) =>
      equalBytes(hash, blobHash(real))
        ? (async function* () {
            yield other;
          })()
        : original(hash);
    liar.store.blobs.has = async () => true;
    const penalties: string[] = [];
    joiner.sync.on('penalty', (p) => penalties.push(p.code));

    await connect(joiner, liar);
    await joiner.sync.syncWith(liar.host.peerId);
    await joiner.sync.idle();

    assert.equal(await joiner.store.blobs.has(blobHash(real)), false);
    assert.equal(
      await joiner.store.targets.has(forged.targetId),
      false,
      'no target without its files',
    );
    assert.ok(penalties.includes('hash_mismatch'), penalties.join());
  });
});
