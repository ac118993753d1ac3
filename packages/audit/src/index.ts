/**
 * @nightshift/audit: re-checks a store's logs offline, entry by entry and against fork
 * choice. `auditTarget` / `auditAll` return reports; `formatAuditReport` / `formatStoreAudit`
 * turn them into text lines for the CLI.
 */
export { auditAll } from './audit-all.ts';
export { type AuditableStore, auditTarget } from './audit-target.ts';
export { AUDIT_CODES, type AuditCode, type AuditOnlyCode, describeCode } from './codes.ts';
export {
  type AuditFailure,
  type AuditReport,
  formatAuditReport,
  formatFailure,
  formatStoreAudit,
  type StoreAuditReport,
} from './report.ts';
