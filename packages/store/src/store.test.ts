import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeSigned, encodeTree, hashHex, isProtocolError, TARGET } from '@nightshift/protocol';
import { makeFixture } from '@nightshift/protocol/testing';
import { freshDataDir } from '../testing/index.ts';
import { openDatabase } from './database.ts';
import { isStoreError } from './errors.ts';
import { metaKey, prefixRange, u64be } from './keys.ts';
import { encodeRecord } from './records.ts';
import { STORE_DIR, Store } from './store.ts';

describe('Store', () => {
  it('creates the data directory and keeps the store under <dataDir>/store', async () => {
    const dataDir = join(await freshDataDir('nested'), 'a', 'b');
    const store = await Store.open(dataDir);
    assert.equal(store.path, join(dataDir, STORE_DIR));
    assert.ok((await stat(store.path)).isDirectory());
    const fixture = await makeFixture();
    const id = await store.targets.put(fixture.target);
    await store.close();
    const reopened = await Store.open(dataDir);
    assert.equal((await reopened.targets.get(id))?.name, fixture.target.name);
    await reopened.close();
  });

  it('refuses a second open of the same store while the first is open', async () => {
    const dataDir = await freshDataDir('locked');
    const store = await Store.open(dataDir);
    await assert.rejects(Store.open(dataDir), (err: unknown) => isStoreError(err, 'store_locked'));
    await store.close();
    await (await Store.open(dataDir)).close();
  });

  it('refuses a store written with another layout version', async () => {
    const dataDir = await freshDataDir('layout');
    const { db, sub } = await openDatabase(join(dataDir, STORE_DIR));
    await sub.meta.put(metaKey('layout'), encodeRecord('layout', { layout: 99 }));
    await db.close();
    await assert.rejects(Store.open(dataDir), (err: unknown) =>
      isStoreError(err, 'unsupported_layout'),
    );
  });
});

describe('trees and targets', () => {
  it('keeps trees and targets as canonical bytes under their hashes, refusing other bytes', async () => {
    const fixture = await makeFixture();
    const dataDir = await freshDataDir('objects');
    const store = await Store.open(dataDir);
    const treeId = await store.trees.put(fixture.tree);
    const targetId = await store.targets.put(fixture.target);
    assert.equal(hashHex(treeId), hashHex(fixture.target.baseline));
    assert.equal(hashHex(targetId), hashHex(fixture.targetId));
    const notATree = encodeSigned(TARGET, fixture.target);
    await assert.rejects(
      store.trees.putBytes(notATree),
      (err: unknown) => isProtocolError(err) && err.code === 'decode_wrong_kind',
    );
    await store.close();

    const reopened = await Store.open(dataDir);
    assert.deepEqual(await reopened.trees.getBytes(treeId), encodeTree(fixture.tree));
    assert.deepEqual(
      (await reopened.trees.get(treeId))?.files.map((f) => f.path),
      fixture.tree.files.map((f) => f.path),
    );
    assert.deepEqual(await reopened.targets.getBytes(targetId), notATree);
    assert.equal(await reopened.targets.direction(targetId), 'minimize');
    const ids = [];
    for await (const id of reopened.targets.ids()) ids.push(hashHex(id));
    assert.deepEqual(ids, [hashHex(targetId)]);
    await reopened.close();
  });
});

describe('key layout', () => {
  it('orders heights numerically and bounds a prefix range exactly', () => {
    const heights = [0, 1, 255, 256, 2 ** 32, 2 ** 40 + 3];
    const keys = heights.map((h) => Buffer.from(u64be(h)).toString('hex'));
    assert.deepEqual([...keys].sort(), keys);
    assert.deepEqual(prefixRange(Uint8Array.of(1, 0xff)), {
      gte: Uint8Array.of(1, 0xff),
      lt: Uint8Array.of(2),
    });
    assert.deepEqual(prefixRange(Uint8Array.of(0xff)), { gte: Uint8Array.of(0xff) });
  });
});
