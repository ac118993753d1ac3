import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  encodeEntry,
  encodeSigned,
  entryHash,
  hashHex,
  type LogEntry,
  TARGET,
} from '@nightshift/protocol';
import { ChainBuilder, type Fixture, makeFixture } from '@nightshift/protocol/testing';
import { Store } from '@nightshift/store';
import { checkRange, EntryWriter, validateBatch } from './entry-batch.ts';
import { EntryValidator } from './entry-validator.ts';
import { isSyncError, type SyncErrorCode } from './errors.ts';

function throwsCode(fn: () => unknown, code: SyncErrorCode) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isSyncError(err), String(err));
    assert.equal(err.code, code, err.message);
    return true;
  });
}

describe('a batch of synced entries', () => {
  let fixture: Fixture;
  let entries: LogEntry[];
  let store: Store;
  let dir: string;
  const validators = [
    ['on a worker thread', new EntryValidator(1)],
    ['on the main thread', new EntryValidator(0)],
  ] as const;

  before(async () => {
    fixture = await makeFixture({ name: 'batch' });
    const chain = new ChainBuilder(fixture);
    entries = [await chain.genesis()];
    for (let i = 1; i < 6; i++) {
      const parent = entries[i - 1]!;
      entries.push(await chain.extend(parent, entryHash(parent)));
    }
    dir = await mkdtemp(join(tmpdir(), 'nightshift-batch-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function freshStore(): Promise<Store> {
    await store?.close();
    store = await Store.open(join(dir, String(Math.random())));
    await store.targets.put(fixture.target);
    return store;
  }

  it('is decoded, hashed and checked for target, heights and links before anything else', () => {
    const bytes = entries.map(encodeEntry);
    const batch = checkRange(bytes.slice(1, 4), fixture.targetId, 1);
    assert.deepEqual(
      batch.map((b) => hashHex(b.hash)),
      entries.slice(1, 4).map((e) => hashHex(entryHash(e))),
    );
    throwsCode(() => checkRange(bytes.slice(1, 4), fixture.targetId, 2), 'range_bad_height');
    throwsCode(() => checkRange([bytes[1]!, bytes[3]!], fixture.targetId, 1), 'range_bad_height');
    throwsCode(() => checkRange(bytes.slice(1, 2), new Uint8Array(32), 1), 'range_wrong_target');
    throwsCode(() => checkRange([bytes[1]!.subarray(1)], fixture.targetId, 1), 'undecodable');
    const other = { ...entries[2]!, prev: new Uint8Array(32).fill(7) };
    throwsCode(
      () => checkRange([bytes[1]!, encodeEntry(other)], fixture.targetId, 1),
      'range_broken_link',
    );
  });

  for (const [where, validator] of validators) {
    it(`is validated ${where} and stored in order, up to the first invalid entry`, async () => {
      const store = await freshStore();
      const writer = new EntryWriter(store);
      const forged = { ...entries[3]!, metric: entries[3]!.metric - 1 };
      const batch = checkRange(
        [...entries.slice(0, 3), forged].map(encodeEntry),
        fixture.targetId,
        0,
      );
      const target = encodeSigned(TARGET, fixture.target);
      await assert.rejects(
        validateBatch(store, writer, validator, target, undefined, batch, Date.now()),
        (err: unknown) =>
          isSyncError(err, 'invalid_entry') && err.protocolCode === 'metric_mismatch',
      );
      await writer.flush();
      assert.equal(writer.added.length, 3);
      assert.equal(await store.entries.count(fixture.targetId), 3);
      assert.equal(hashHex(writer.head!.head), hashHex(entryHash(entries[2]!)));
    });
  }

  it('skips the entries already stored and validates the rest against the last of them', async () => {
    const store = await freshStore();
    for (const entry of entries.slice(0, 3)) await store.entries.add(entry);
    const writer = new EntryWriter(store);
    const batch = checkRange(entries.slice(1).map(encodeEntry), fixture.targetId, 1);
    const target = encodeSigned(TARGET, fixture.target);
    const queued = await validateBatch(
      store,
      writer,
      new EntryValidator(0),
      target,
      entries[0],
      batch,
      Date.now(),
    );
    await writer.flush();
    assert.deepEqual(
      queued.map((q) => q.entry.height),
      [3, 4, 5],
    );
    assert.equal(writer.added.length, 3);
  });

  it('reports a failed write when flushed, not as an unhandled rejection', async () => {
    const store = await freshStore();
    const writer = new EntryWriter(store);
    // Entry 2 without entry 1: the store refuses an entry whose parent it lacks.
    const [orphan] = checkRange([encodeEntry(entries[2]!)], fixture.targetId, 2);
    writer.enqueue(orphan!);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await assert.rejects(writer.flush(), /unknown_parent/);
    await store.close();
  });
});
