// A node that joins late learns the heads in the handshake, range-syncs every entry it
// lacks, fetches the candidate trees and their blobs, and ends where its peer is.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auditTarget } from '@nightshift/audit';
import { hashHex } from '@nightshift/protocol';
import type { Store } from '@nightshift/store';
import type { TargetSyncReport } from '../node/src/p2p/sync/index.ts';
import { cachedChainStore, connect, startNode, type TestNode } from './sync-harness.ts';

const ENTRIES = 10_000;

async function canonicalHashes(store: Store, target: Uint8Array): Promise<string[]> {
  const out: string[] = [];
  for await (const { hash } of store.entries.canonical(target)) out.push(hashHex(hash));
  return out;
}

describe('a late joiner', () => {
  let source: TestNode;
  let joiner: TestNode;
  before(async () => {
    source = await startNode({ dataDir: await cachedChainStore(ENTRIES) });
    joiner = await startNode();
  });
  after(async () => {
    await joiner?.stop();
    await source?.stop();
  });

  it(`syncs ${ENTRIES.toLocaleString('en')} entries and ends with the source's head, chain and trees, passing the audit`, async (t) => {
    const [sourceHead] = await source.store.entries.heads();
    assert.ok(sourceHead);
    assert.equal(sourceHead.height, ENTRIES - 1);
    const reports: TargetSyncReport[] = [];
    joiner.sync.on('synced', (report) => reports.push(...report.targets));

    const started = Date.now();
    await connect(joiner, source);
    await joiner.sync.syncWith(source.host.peerId);
    await joiner.sync.idle();
    const seconds = (Date.now() - started) / 1000;

    const head = await joiner.store.entries.head(sourceHead.target);
    assert.ok(head, 'the joiner has a head');
    assert.equal(hashHex(head.head), hashHex(sourceHead.head));
    assert.equal(head.height, ENTRIES - 1);
    assert.deepEqual(
      await canonicalHashes(joiner.store, sourceHead.target),
      await canonicalHashes(source.store, sourceHead.target),
    );
    assert.equal(
      reports.reduce((n, r) => n + r.added, 0),
      ENTRIES,
    );
    assert.deepEqual(
      reports.filter((r) => r.error),
      [],
    );
    const audit = await auditTarget(joiner.store, sourceHead.target);
    assert.equal(audit.ok, true, JSON.stringify(audit.failures.slice(0, 3)));
    assert.equal(audit.validEntries, ENTRIES);

    // The head's candidate tree and every blob in it came along.
    const headEntry = (await joiner.store.entries.get(head.head))!;
    const tree = await joiner.store.trees.get(headEntry.candidate.tree);
    assert.ok(tree, 'the head tree is stored');
    for (const file of tree.files) assert.ok(await joiner.store.blobs.has(file.blob), file.path);
    t.diagnostic(`synced ${ENTRIES} entries with their trees in ${seconds.toFixed(1)} s`);
  });
});
