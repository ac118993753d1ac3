/**
 * `target.json`: the researcher's manifest, the Target's fields that the directory decides
 * (PROTOCOL.md §5.1). What the act of submitting decides (author, baseline tree, verifiers,
 * createdAt, signature) is not in it; `quorum` may be, as a default. Every field is checked
 * for its JSON type here, with the field's name in the error; protocol's validateTarget
 * checks the values once the Target is whole.
 */
import type { Limits, MetricSpec, SearchParam, Target } from '@nightshift/protocol';
import { TargetDirError } from './errors.ts';

export type TargetManifest = Pick<
  Target,
  | 'name'
  | 'description'
  | 'mutablePaths'
  | 'heldOutPaths'
  | 'program'
  | 'setup'
  | 'run'
  | 'predict'
  | 'score'
  | 'metric'
  | 'limits'
  | 'hardware'
  | 'minDelta'
  | 'tolerance'
  | 'runs'
  | 'revealDelayMs'
  | 'searchSpace'
> & { quorum?: number };

type Json = unknown;

export function parseManifest(text: string): TargetManifest {
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TargetDirError(
      'manifest_invalid',
      `target.json is not JSON: ${(err as Error).message}`,
    );
  }
  const m = object(json, 'target.json');
  return {
    name: string(m, 'name'),
    description: string(m, 'description'),
    mutablePaths: strings(m, 'mutablePaths'),
    heldOutPaths: strings(m, 'heldOutPaths'),
    program: string(m, 'program'),
    ...optional(m, 'setup', strings),
    run: strings(m, 'run'),
    ...optional(m, 'predict', strings),
    score: strings(m, 'score'),
    metric: metric(object(m.metric, 'metric')),
    limits: limits(object(m.limits, 'limits')),
    hardware: string(m, 'hardware'),
    minDelta: number(m, 'minDelta'),
    tolerance: number(m, 'tolerance'),
    runs: number(m, 'runs'),
    revealDelayMs: number(m, 'revealDelayMs'),
    searchSpace: array(m, 'searchSpace').map((p, i) => searchParam(object(p, `searchSpace[${i}]`))),
    ...optional(m, 'quorum', number),
  };
}

function metric(m: Record<string, Json>): MetricSpec {
  const source = string(m, 'source', 'metric.');
  const direction = string(m, 'direction', 'metric.');
  if (source !== 'stdout-line' && source !== 'json-file')
    invalid('metric.source', 'stdout-line or json-file');
  if (direction !== 'minimize' && direction !== 'maximize')
    invalid('metric.direction', 'minimize or maximize');
  return {
    name: string(m, 'name', 'metric.'),
    direction,
    source,
    pattern: string(m, 'pattern', 'metric.'),
    ...optional(m, 'file', (o, k) => string(o, k, 'metric.')),
  };
}

function limits(m: Record<string, Json>): Limits {
  const field = (k: string) => number(m, k, 'limits.');
  return {
    wallSeconds: field('wallSeconds'),
    memoryMb: field('memoryMb'),
    outputMb: field('outputMb'),
    processes: field('processes'),
  };
}

function searchParam(m: Record<string, Json>): SearchParam {
  const kind = string(m, 'kind', 'searchSpace.');
  if (kind !== 'int' && kind !== 'float' && kind !== 'log-float' && kind !== 'choice') {
    invalid('searchSpace.kind', 'int, float, log-float or choice');
  }
  return {
    name: string(m, 'name', 'searchSpace.'),
    file: string(m, 'file', 'searchSpace.'),
    kind,
    ...optional(m, 'min', (o, k) => number(o, k, 'searchSpace.')),
    ...optional(m, 'max', (o, k) => number(o, k, 'searchSpace.')),
    choices: m.choices === undefined ? [] : strings(m, 'choices', 'searchSpace.'),
  };
}

function invalid(field: string, expected: string): never {
  throw new TargetDirError('manifest_invalid', `target.json: ${field} must be ${expected}`);
}

function object(value: Json, field: string): Record<string, Json> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    invalid(field, 'an object');
  return value as Record<string, Json>;
}

function string(m: Record<string, Json>, key: string, prefix = ''): string {
  const value = m[key];
  if (typeof value !== 'string') invalid(prefix + key, 'a string');
  return value;
}

function number(m: Record<string, Json>, key: string, prefix = ''): number {
  const value = m[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(prefix + key, 'a number');
  return value;
}

function array(m: Record<string, Json>, key: string, prefix = ''): Json[] {
  const value = m[key];
  if (!Array.isArray(value)) invalid(prefix + key, 'an array');
  return value;
}

function strings(m: Record<string, Json>, key: string, prefix = ''): string[] {
  const value = array(m, key, prefix);
  if (!value.every((v) => typeof v === 'string')) invalid(prefix + key, 'an array of strings');
  return value as string[];
}

/** `{ [key]: value }` when the field is present, `{}` when it is absent. */
function optional<K extends string, T>(
  m: Record<string, Json>,
  key: K,
  read: (m: Record<string, Json>, key: string) => T,
): { [P in K]?: T } {
  return (m[key] === undefined ? {} : { [key]: read(m, key) }) as { [P in K]?: T };
}
