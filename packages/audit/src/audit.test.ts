import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeEntry, entryHash, type Hash, hashHex, type LogEntry } from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import {
  chainKey,
  type Database,
  entryByHeightKey,
  openDatabase,
  STORE_DIR,
  Store,
} from '@nightshift/store';
import { openFreshStore } from '@nightshift/store/testing';
import { auditAll } from './audit-all.ts';
import { auditTarget } from './audit-target.ts';
import type { AuditReport } from './report.ts';
import { formatAuditReport, formatStoreAudit } from './report.ts';

interface Node {
  entry: LogEntry;
  hash: Hash;
}

/**
 * A stored log with a branch: g → a1 → a2 → a3 (the head) and g → b1 (an orphan), metric
 * minimized. Each test tampers with it through LevelDB directly, then audits.
 */
async function storedLog() {
  const fixture = await makeFixture();
  const chain = new ChainBuilder(fixture);
  const node = (entry: LogEntry): Node => ({ entry, hash: entryHash(entry) });
  const child = async (parent: Node, metric: number) =>
    node(await chain.extend(parent.entry, parent.hash, { metric }));
  const g = node(await chain.genesis(2.5));
  const a1 = await child(g, 2.48);
  const a2 = await child(a1, 2.46);
  const a3 = await child(a2, 2.44);
  const b1 = await child(g, 2.47);
  const { store, dataDir } = await openFreshStore('audit');
  await store.targets.put(fixture.target);
  for (const n of [g, a1, a2, a3, b1]) await store.entries.add(n.entry);
  await store.close();
  const target = fixture.targetId;

  /** Opens the raw LevelDB, lets `edit` change it, then audits through a reopened Store. */
  async function tamper(edit: (db: Database) => Promise<unknown>): Promise<AuditReport> {
    const raw = await openDatabase(join(dataDir, STORE_DIR));
    await edit(raw);
    await raw.db.close();
    return audit();
  }
  async function audit(): Promise<AuditReport> {
    const reopened = await Store.open(dataDir);
    try {
      return await auditTarget(reopened, target);
    } finally {
      await reopened.close();
    }
  }
  /** Stores an entry and its height index only: no head or chain update. */
  async function plant({ sub }: Database, entry: LogEntry, bytes = encodeEntry(entry)) {
    const hash = entryHash(entry);
    await sub.entry.put(hash, bytes);
    await sub.entryByHeight.put(entryByHeightKey(target, entry.height, hash), new Uint8Array(0));
    return hash;
  }
  return { fixture, chain, target, dataDir, g, a1, a2, a3, b1, child, tamper, audit, plant };
}

/** The failures as `code@height:entry` strings, entry shortened. */
function failuresOf(report: AuditReport): string[] {
  return report.failures.map(
    (f) => `${f.code}@${f.height ?? '-'}:${f.entry ? hashHex(f.entry).slice(0, 8) : '-'}`,
  );
}
const at = (code: string, height: number | '-', n?: Node | Hash) =>
  `${code}@${height}:${n ? hashHex(n instanceof Uint8Array ? n : n.hash).slice(0, 8) : '-'}`;

describe('auditTarget', () => {
  it('passes a clean log with a branch and an orphan, naming its head', async () => {
    const log = await storedLog();
    const report = await log.audit();
    assert.deepEqual(failuresOf(report), []);
    assert.equal(report.ok, true);
    assert.equal(report.entriesChecked, 5);
    assert.equal(report.validEntries, 5);
    assert.equal(hashHex(report.head!), hashHex(log.a3.hash));
    assert.equal(hashHex(report.expectedHead!), hashHex(log.a3.hash));
    assert.equal(report.headHeight, 3);
    assert.equal(report.name, log.fixture.target.name);
  });

  it('reports hash_mismatch for an entry with one stored byte flipped, and drops its descendants', async () => {
    const log = await storedLog();
    const report = await log.tamper(async ({ sub }) => {
      const bytes = (await sub.entry.get(log.a2.hash))!.slice();
      bytes[bytes.length - 100]! ^= 0x01;
      await sub.entry.put(log.a2.hash, bytes);
    });
    assert.equal(report.ok, false);
    // With a2 gone, the best valid entry is b1: the head and the chain above 0 are wrong too.
    assert.deepEqual(failuresOf(report), [
      at('hash_mismatch', 2, log.a2),
      at('invalid_parent', 3, log.a3),
      at('head_not_best', '-', log.a3),
      at('chain_mismatch', 1, log.a1),
      at('chain_mismatch', 2, log.a2),
      at('chain_mismatch', 3, log.a3),
    ]);
    assert.equal(hashHex(report.expectedHead!), hashHex(log.b1.hash));
  });

  it('reports bad_signature for an entry re-stored under its new hash with a broken signature', async () => {
    const log = await storedLog();
    const [first, ...rest] = log.a1.entry.attestations;
    const signature = first!.signature.slice();
    signature[0]! ^= 0xff;
    const forged = { ...log.a1.entry, attestations: [{ ...first!, signature }, ...rest] };
    const report = await log.tamper((db) => log.plant(db, forged));
    assert.deepEqual(failuresOf(report), [at('bad_signature', 1, entryHash(forged))]);
    assert.equal(report.ok, false);
  });

  it('reports head_not_best when the stored head points at a worse entry', async () => {
    const log = await storedLog();
    const report = await log.tamper(({ sub }) => sub.head.put(log.target, log.b1.hash));
    assert.deepEqual(failuresOf(report), [at('head_not_best', '-', log.b1)]);
    assert.equal(hashHex(report.expectedHead!), hashHex(log.a3.hash));
    assert.equal(report.ok, false);
  });

  it('reports chain_mismatch when a canonical-chain key is deleted', async () => {
    const log = await storedLog();
    const report = await log.tamper(({ sub }) => sub.chain.del(chainKey(log.target, 2)));
    assert.deepEqual(failuresOf(report), [at('chain_mismatch', 2)]);
    assert.equal(report.ok, false);
  });

  it('reports not_improvement for a signed entry whose metric does not beat its parent', async () => {
    const log = await storedLog();
    const forged = await log.chain.extend(log.a3.entry, log.a3.hash, { metric: 2.45 });
    const report = await log.tamper((db) => log.plant(db, forged));
    assert.deepEqual(failuresOf(report), [at('not_improvement', 4, entryHash(forged))]);
    assert.equal(report.ok, false);
  });

  it('reports missing_parent for an entry whose parent is not stored', async () => {
    const log = await storedLog();
    const unstored = await log.child(log.a3, 2.4);
    const orphan = await log.chain.extend(unstored.entry, unstored.hash, { metric: 2.3 });
    const report = await log.tamper((db) => log.plant(db, orphan));
    assert.deepEqual(failuresOf(report), [at('missing_parent', 5, entryHash(orphan))]);
  });

  it('reports index_mismatch for an entry indexed at a height other than its own', async () => {
    const log = await storedLog();
    const report = await log.tamper(({ sub }) =>
      sub.entryByHeight.put(entryByHeightKey(log.target, 7, log.b1.hash), new Uint8Array(0)),
    );
    assert.deepEqual(failuresOf(report), [at('index_mismatch', 7, log.b1)]);
  });

  it('reports a target it does not store as unknown_target', async () => {
    const log = await storedLog();
    const store = await Store.open(log.dataDir);
    const report = await auditTarget(store, new Uint8Array(32).fill(7));
    await store.close();
    assert.deepEqual(failuresOf(report), [at('unknown_target', '-')]);
    assert.equal(report.entriesChecked, 0);
    assert.equal(report.ok, false);
  });
});

describe('auditAll', () => {
  it('audits every target and finds entries that no height index reaches', async () => {
    const log = await storedLog();
    const clean = await Store.open(log.dataDir);
    const before = await auditAll(clean);
    await clean.close();
    assert.equal(before.ok, true);
    assert.equal(before.entriesChecked, 5);

    const stray = await log.chain.extend(log.b1.entry, log.b1.hash, { metric: 2.4 });
    const raw = await openDatabase(join(log.dataDir, STORE_DIR));
    await raw.sub.entry.put(entryHash(stray), encodeEntry(stray));
    await raw.sub.target.del(log.target);
    await raw.db.close();

    const store = await Store.open(log.dataDir);
    const after = await auditAll(store);
    await store.close();
    assert.equal(after.ok, false);
    assert.equal(after.targets.length, 1, 'entries still lead to their (deleted) target');
    assert.deepEqual(failuresOf(after.targets[0]!), [at('unknown_target', '-')]);
    assert.equal(after.targets[0]!.entriesChecked, 5);
    assert.deepEqual(
      after.failures.map((f) => [f.code, hashHex(f.entry!)]),
      [['unindexed_entry', hashHex(entryHash(stray))]],
    );
  });
});

describe('formatting', () => {
  it('writes a summary line per target and one indented line per failure', async () => {
    const log = await storedLog();
    const report = await log.tamper(({ sub }) => sub.head.put(log.target, log.b1.hash));
    const lines = formatAuditReport(report);
    assert.equal(lines.length, 2);
    assert.match(
      lines[0]!,
      /^target [0-9a-f]{12} \(tiny\): FAILED, 1 failure\(s\); 5 entries checked, 5 valid, head [0-9a-f]{12} at height 1$/,
    );
    assert.match(
      lines[1]!,
      /^ {2}entry [0-9a-f]{12} head_not_best: stored head [0-9a-f]{12}, fork choice picks [0-9a-f]{12} \(/,
    );
    const all = formatStoreAudit({ targets: [report], failures: [], entriesChecked: 5, ok: false });
    assert.equal(all.at(-1), 'audit FAILED: 1 failure(s) in 1 target(s), 5 entries');
  });
});
