import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  blobHash,
  entryHash,
  hashHex,
  type LogEntry,
  peerIdOf,
  publicKeyOf,
  utf8,
} from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import { Store } from '@nightshift/store';
import { chainView, entryView } from './chain.ts';
import { entryDiff } from './tree-diff.ts';

const scratch = await mkdtemp(join(tmpdir(), 'nightshift-views-'));
after(() => rm(scratch, { recursive: true, force: true }));

/** A store with a chain g → a1 → a2 and a worse branch g → b1, trees and blobs included. */
async function storedChain(direction: 'minimize' | 'maximize' = 'minimize') {
  const fixture = await makeFixture({ name: `views-${direction}`, direction });
  const chain = new ChainBuilder(fixture);
  const sign = direction === 'minimize' ? -1 : 1;
  const g = await chain.genesis(2.5);
  const a1 = await chain.extend(g, entryHash(g), { metric: 2.5 + sign * 0.1 });
  const a2 = await chain.extend(a1, entryHash(a1), {
    metric: 2.5 + sign * 0.2,
    files: { 'train.py': 'LEARNING_RATE = 0.05\nLAYERS = 3\n' },
    description: 'halve the learning rate',
  });
  const b1 = await chain.extend(g, entryHash(g), { metric: 2.5 + sign * 0.05 });
  const store = await Store.open(await mkdtemp(join(scratch, 'data-')));
  await store.targets.put(fixture.target);
  for (const bytes of fixture.blobs.values()) await store.blobs.put(bytes);
  for (const tree of chain.trees.values()) await store.trees.put(tree);
  for (const entry of [g, a1, a2, b1] as LogEntry[]) await store.entries.add(entry);
  return { store, fixture, g, a1, a2, b1 };
}

describe('views: the chain', () => {
  it('lists the canonical chain from entry 0 with changes, keys, verifiers and effort', async () => {
    const { store, fixture, g, a1, a2 } = await storedChain();
    try {
      const view = (await chainView(store, fixture.targetId))!;
      assert.equal(view.target.name, fixture.target.name);
      assert.equal(view.head, hashHex(entryHash(a2)));
      assert.deepEqual(
        view.entries.map((row) => row.hash),
        [g, a1, a2].map((e) => hashHex(entryHash(e))),
      );
      const [genesis, first, second] = view.entries;
      assert.equal(genesis!.parent, null);
      assert.equal(genesis!.change, null);
      assert.equal(genesis!.improved, null);
      assert.equal(genesis!.description, 'baseline');
      assert.equal(genesis!.author.peerId, peerIdOf(publicKeyOf(fixture.researcher)));
      assert.equal(first!.parent, genesis!.hash);
      assert.ok(Math.abs(second!.change! + 0.1) < 1e-9);
      assert.equal(second!.improved, true);
      assert.equal(second!.description, 'halve the learning rate');
      assert.equal(second!.time, Math.max(...a2.attestations.map((a) => a.createdAt)));
      assert.deepEqual(
        second!.verifiers.map((v) => v.key),
        a2.attestations.map((a) => hashHex(a.verifier)),
      );
      assert.equal(second!.verifiers[0]!.metric, a2.attestations[0]!.metric);
      assert.deepEqual(second!.effort, a2.candidate.effort);
      assert.equal(second!.tree, hashHex(a2.candidate.tree));
      assert.ok(view.entries.every((row) => row.canonical));
      assert.deepEqual(view.orphans, [], 'orphans only when asked for');
      assert.doesNotThrow(() => JSON.stringify(view));
    } finally {
      await store.close();
    }
  });

  it('lists orphaned entries apart when asked, with the change against their own parent', async () => {
    const { store, fixture, g, b1 } = await storedChain();
    try {
      const view = (await chainView(store, fixture.targetId, { orphans: true }))!;
      assert.equal(view.entries.length, 3);
      assert.deepEqual(
        view.orphans.map((row) => row.hash),
        [hashHex(entryHash(b1))],
      );
      assert.equal(view.orphans[0]!.canonical, false);
      assert.equal(view.orphans[0]!.parent, hashHex(entryHash(g)));
      assert.ok(Math.abs(view.orphans[0]!.change! + 0.05) < 1e-9);
      const single = await entryView(store, entryHash(b1));
      assert.deepEqual(single, view.orphans[0]);
    } finally {
      await store.close();
    }
  });

  it('calls a rise an improvement when the metric is maximized', async () => {
    const { store, fixture } = await storedChain('maximize');
    try {
      const view = (await chainView(store, fixture.targetId))!;
      assert.ok(view.entries[1]!.change! > 0);
      assert.equal(view.entries[1]!.improved, true);
    } finally {
      await store.close();
    }
  });

  it('gives undefined for a target that is not stored', async () => {
    const { store } = await storedChain();
    try {
      assert.equal(await chainView(store, new Uint8Array(32)), undefined);
      assert.equal(await entryView(store, new Uint8Array(32)), undefined);
    } finally {
      await store.close();
    }
  });
});

describe('views: the diff of an entry', () => {
  it('shows the changed file against the parent tree with a unified diff', async () => {
    const { store, a1, a2 } = await storedChain();
    try {
      const diff = (await entryDiff(store, entryHash(a2)))!;
      assert.equal(diff.parent, hashHex(entryHash(a1)));
      assert.deepEqual(diff.missingTrees, []);
      assert.equal(diff.files.length, 1);
      const [file] = diff.files;
      assert.equal(file!.path, 'train.py');
      assert.equal(file!.status, 'changed');
      assert.equal(file!.new!.blob, hashHex(blobHash(utf8('LEARNING_RATE = 0.05\nLAYERS = 3\n'))));
      assert.match(file!.diff!, /^--- a\/train.py\n\+\+\+ b\/train.py\n@@ /);
      assert.match(file!.diff!, /\n-LEARNING_RATE = 0.1\n/);
      assert.match(file!.diff!, /\n\+LEARNING_RATE = 0.05\n/);
    } finally {
      await store.close();
    }
  });

  it('shows every file of entry 0 as added', async () => {
    const { store, fixture, g } = await storedChain();
    try {
      const diff = (await entryDiff(store, entryHash(g)))!;
      assert.equal(diff.parent, null);
      assert.deepEqual(
        diff.files.map((f) => [f.path, f.status]),
        fixture.tree.files.map((f) => [f.path, 'added']),
      );
      assert.match(diff.files[0]!.diff!, /^--- \/dev\/null\n\+\+\+ b\//);
    } finally {
      await store.close();
    }
  });

  it('names what it cannot show: a tree not stored, a file too large', async () => {
    const { store, fixture, a2 } = await storedChain();
    try {
      const limited = (await entryDiff(store, entryHash(a2), { maxDiffBytes: 4 }))!;
      assert.equal(limited.files[0]!.noDiff, 'too_large');
      assert.equal(limited.files[0]!.diff, undefined);
      const fresh = await Store.open(await mkdtemp(join(scratch, 'bare-')));
      try {
        await fresh.targets.put(fixture.target);
        const chain = new ChainBuilder(fixture);
        const g = await chain.genesis(2.5);
        await fresh.entries.add(g);
        const bare = (await entryDiff(fresh, entryHash(g)))!;
        assert.deepEqual(bare.missingTrees, [hashHex(g.candidate.tree)]);
        assert.deepEqual(bare.files, []);
      } finally {
        await fresh.close();
      }
    } finally {
      await store.close();
    }
  });
});
