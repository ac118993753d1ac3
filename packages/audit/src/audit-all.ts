/**
 * The audit of a whole store: every target that is stored or has entries, then the entries
 * that no target's height index reaches (stored, but invisible to every chain).
 */
import { compareBytes, type Hash, hashHex } from '@nightshift/protocol';
import { type AuditableStore, auditTargetInto } from './audit-target.ts';
import type { AuditFailure, AuditReport, StoreAuditReport } from './report.ts';

export async function auditAll(store: AuditableStore): Promise<StoreAuditReport> {
  const ids = new Map<string, Hash>();
  for await (const id of store.targets.ids()) ids.set(hashHex(id), id);
  for await (const id of store.entries.targetIds()) ids.set(hashHex(id), id);

  const indexed = new Set<string>();
  const targets: AuditReport[] = [];
  for (const id of [...ids.values()].sort(compareBytes)) {
    targets.push(await auditTargetInto(store, id, indexed));
  }

  const failures: AuditFailure[] = [];
  for await (const hash of store.entries.hashes()) {
    if (indexed.has(hashHex(hash))) continue;
    failures.push({ code: 'unindexed_entry', detail: 'stored, in no height index', entry: hash });
  }
  return {
    targets,
    failures,
    entriesChecked: targets.reduce((n, t) => n + t.entriesChecked, 0),
    ok: failures.length === 0 && targets.every((t) => t.ok),
  };
}
