/**
 * Reading the metric from the score phase's output, as the manifest's MetricSpec says
 * (PROTOCOL.md §5.1), and checking that it is a usable number. Only the score phase's output
 * is ever read: whatever candidate code prints counts for nothing (DESIGN rule 1).
 */
import { open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { MetricSpec } from '@nightshift/protocol';
import type { Outcome } from './outcome.ts';

/** A JSON metric file larger than this is not read. */
export const MAX_METRIC_FILE_BYTES = 1024 * 1024;

export interface MetricRange {
  min?: number;
  max?: number;
}

/** What the output held where the metric should be: its text, or why there is none. */
export type MetricText = { found: true; text: string | number } | { found: false; reason: string };

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
};

/**
 * A number as programs print it: decimal or exponent notation, and `nan`, `inf`,
 * `infinity` in any case with an optional sign (Python's and C's spellings), so that a NaN
 * or infinite metric is reported as such rather than as unparsable.
 */
export function parseMetricText(text: string): number | undefined {
  const t = text.trim();
  if (DECIMAL.test(t)) return Number(t);
  const sign = t.startsWith('-') ? -1 : 1;
  const special = SPECIAL[t.replace(/^[+-]/, '').toLowerCase()];
  return special === undefined ? undefined : sign * special;
}

/** The outcome of a metric's text: ok, or bad-metric with the reason. */
export function checkMetric(text: string | number, range: MetricRange = {}): Outcome {
  const value = typeof text === 'number' ? text : parseMetricText(text);
  if (value === undefined)
    return { kind: 'bad-metric', value: String(text), reason: 'not-a-number' };
  if (Number.isNaN(value)) return { kind: 'bad-metric', value, reason: 'nan' };
  if (!Number.isFinite(value)) return { kind: 'bad-metric', value, reason: 'infinite' };
  if (
    (range.min !== undefined && value < range.min) ||
    (range.max !== undefined && value > range.max)
  ) {
    return { kind: 'bad-metric', value, reason: 'out-of-range' };
  }
  return { kind: 'ok', metric: value };
}

/** `stdout-line`: the pattern compiled as PROTOCOL.md says (ECMAScript, `u` flag only). */
export function metricPattern(spec: MetricSpec): RegExp | undefined {
  try {
    return new RegExp(spec.pattern, 'u');
  } catch {
    return undefined;
  }
}

/**
 * `json-file`: the value at the dot-separated key path `spec.pattern` in `spec.file` under
 * the score output directory. The file must resolve inside that directory.
 */
export async function readJsonMetric(scoreDir: string, spec: MetricSpec): Promise<MetricText> {
  if (spec.file === undefined) return { found: false, reason: 'the metric names no file' };
  let path: string;
  try {
    const root = await realpath(scoreDir);
    path = await realpath(join(root, spec.file));
    if (!path.startsWith(root + sep))
      return { found: false, reason: `${spec.file} leaves the output` };
  } catch {
    return { found: false, reason: `${spec.file} was not written` };
  }
  const text = await readSmallFile(path);
  if (text === undefined)
    return { found: false, reason: `${spec.file} is unreadable or too large` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { found: false, reason: `${spec.file} is not JSON` };
  }
  for (const key of spec.pattern.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) {
      return { found: false, reason: `${spec.file} has no ${spec.pattern}` };
    }
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'number') return { found: true, text: value };
  return typeof value === 'string'
    ? { found: true, text: value }
    : { found: false, reason: `${spec.pattern} in ${spec.file} is not a number` };
}

async function readSmallFile(path: string): Promise<string | undefined> {
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size > MAX_METRIC_FILE_BYTES) return undefined;
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}
