/** Audit reports, and their text form for the CLI. */
import { type Hash, shortHash } from '@nightshift/protocol';
import { type AuditCode, describeCode } from './codes.ts';

export interface AuditFailure {
  code: AuditCode;
  detail: string;
  /** The entry at fault, when the failure is about one. */
  entry?: Hash;
  height?: number;
}

export interface AuditReport {
  target: Hash;
  /** The target's name, when it is stored and decodes. */
  name?: string;
  /** Entries found in the target's height index, each re-checked from its stored bytes. */
  entriesChecked: number;
  /** Entries that passed every check and extend a valid parent. */
  validEntries: number;
  /** The head the store records. */
  head?: Hash;
  /** The stored head's height, when it is an indexed entry of the target. */
  headHeight?: number;
  /** The head fork choice picks among the valid entries. */
  expectedHead?: Hash;
  failures: AuditFailure[];
  ok: boolean;
}

export interface StoreAuditReport {
  targets: AuditReport[];
  /** Failures that belong to no target (entries no index reaches). */
  failures: AuditFailure[];
  entriesChecked: number;
  ok: boolean;
}

export function formatFailure(f: AuditFailure): string {
  const at = [
    f.height === undefined ? '' : `height ${f.height} `,
    f.entry === undefined ? '' : `entry ${shortHash(f.entry)} `,
  ].join('');
  return `${at}${f.code}: ${f.detail} (${describeCode(f.code)})`;
}

/** The report as text lines: a summary line, then one indented line per failure. */
export function formatAuditReport(report: AuditReport): string[] {
  const name = report.name ? ` (${report.name})` : '';
  const head =
    report.head === undefined
      ? 'no head'
      : `head ${shortHash(report.head)}${report.headHeight === undefined ? '' : ` at height ${report.headHeight}`}`;
  const verdict = report.ok ? 'ok' : `FAILED, ${report.failures.length} failure(s)`;
  return [
    `target ${shortHash(report.target)}${name}: ${verdict}; ${report.entriesChecked} entries checked, ${report.validEntries} valid, ${head}`,
    ...report.failures.map((f) => `  ${formatFailure(f)}`),
  ];
}

export function formatStoreAudit(report: StoreAuditReport): string[] {
  const failures =
    report.failures.length + report.targets.reduce((n, t) => n + t.failures.length, 0);
  return [
    ...report.targets.flatMap(formatAuditReport),
    ...report.failures.map((f) => `store: ${formatFailure(f)}`),
    report.ok
      ? `audit ok: ${report.targets.length} target(s), ${report.entriesChecked} entries`
      : `audit FAILED: ${failures} failure(s) in ${report.targets.length} target(s), ${report.entriesChecked} entries`,
  ];
}
