// `nightshift audit [target]`: re-check a node's stored log offline, entry by entry and
// against fork choice; exits non-zero when anything fails.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AuditReport,
  auditAll,
  auditTarget,
  formatAuditReport,
  formatStoreAudit,
  type StoreAuditReport,
} from '@nightshift/audit';
import { hashHex } from '@nightshift/protocol';
import { STORE_DIR, Store } from '@nightshift/store';
import type { CommandSpec } from '../command.ts';
import { CliError } from '../errors.ts';
import { resolveTarget } from '../resolve-target.ts';

export const auditCommand: CommandSpec = {
  name: 'audit [target]',
  summary: 're-check every stored entry offline (hashes, links, signatures, rules, fork choice)',
  configure(command) {
    command.addHelpText(
      'after',
      '\nThe target is a name, an id, or a unique prefix of an id (at least 4 hex digits).' +
        '\nWithout one, every stored target is audited. Exits 1 when any check fails.',
    );
  },
  async run({ args, globals }) {
    if (!existsSync(join(globals.dataDir, STORE_DIR))) {
      throw new CliError('no_store', `no store in ${globals.dataDir}: nothing was stored there`);
    }
    const store = await Store.open(globals.dataDir);
    try {
      const [query] = args;
      if (query === undefined) {
        const report = await auditAll(store);
        return {
          data: storeReportJson(report),
          text: formatStoreAudit(report).join('\n'),
          ...(report.ok ? {} : { failure: 'check_failed' as const }),
        };
      }
      const target = await resolveTarget(store, query);
      const report = await auditTarget(store, target);
      return {
        data: reportJson(report),
        text: formatAuditReport(report).join('\n'),
        ...(report.ok ? {} : { failure: 'check_failed' as const }),
      };
    } finally {
      await store.close();
    }
  },
};

function reportJson(report: AuditReport) {
  const hex = (hash: Uint8Array | undefined) => (hash ? hashHex(hash) : undefined);
  return {
    ...report,
    target: hashHex(report.target),
    head: hex(report.head),
    expectedHead: hex(report.expectedHead),
    failures: report.failures.map((f) => ({ ...f, entry: hex(f.entry) })),
  };
}

function storeReportJson(report: StoreAuditReport) {
  return {
    ...report,
    targets: report.targets.map(reportJson),
    failures: report.failures.map((f) => ({ ...f, entry: f.entry && hashHex(f.entry) })),
  };
}
