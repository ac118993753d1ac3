import { fail, type ProtocolError } from '../errors.ts';
import type { Hash } from '../hash.ts';
import { isValidPublicKey } from '../keys.ts';
import { LIMITS } from '../limits.ts';
import { hasValidSignature } from '../objects/signed.ts';
import { type SearchParam, TARGET, type Target } from '../objects/target.ts';
import type { Tree } from '../objects/tree.ts';
import {
  isPrintableLine,
  isValidPath,
  isValidPathPattern,
  matchesAny,
  matchesPattern,
  patternsOverlap,
} from './paths.ts';
import { validateTree } from './tree.ts';

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const HARDWARE = /^[a-z0-9][a-z0-9:._-]{0,63}$/;

export interface TargetContext {
  /** Local time in ms, for the future-time check. */
  now: number;
  /** The target's id, when the caller already has it from the received bytes. */
  id?: Hash;
}

/** The manifest's own rules; the files are checked by validateTargetFiles. */
export async function validateTarget(
  target: Target,
  ctx: TargetContext,
): Promise<ProtocolError | undefined> {
  const structural = checkManifest(target);
  if (structural) return structural;
  // [IGNORE] The target was not signed in the future.
  if (target.createdAt > ctx.now + LIMITS.maxClockSkewMs) return fail('from_future');
  // [REJECT] The author's signature is valid.
  if (!(await hasValidSignature(TARGET, target, ctx.id))) return fail('bad_signature');
  return undefined;
}

function checkManifest(t: Target): ProtocolError | undefined {
  // [REJECT] The name is 1-64 of [a-z0-9-], starting with a letter or digit.
  if (!NAME.test(t.name)) return fail('target_invalid_name', JSON.stringify(t.name));
  // [REJECT] The description is printable text.
  if (!isPrintableLine(t.description.replaceAll('\n', ' '))) return fail('invalid_text');

  // [REJECT] At least one mutable path; every pattern is valid; held-out data is never
  // mutable; the program file is a valid path.
  if (t.mutablePaths.length === 0) return fail('target_invalid_paths', 'no mutable paths');
  for (const p of [...t.mutablePaths, ...t.heldOutPaths]) {
    if (!isValidPathPattern(p)) return fail('target_invalid_paths', JSON.stringify(p));
  }
  for (const held of t.heldOutPaths) {
    if (t.mutablePaths.some((m) => patternsOverlap(m, held))) {
      return fail('target_invalid_paths', `held-out ${held} overlaps a mutable path`);
    }
  }
  if (!isValidPath(t.program)) return fail('target_invalid_paths', 'program');

  // [REJECT] run and score (and setup and predict, if present) are non-empty command lines.
  for (const [name, argv] of [
    ['run', t.run],
    ['score', t.score],
    ['setup', t.setup ?? ['-']],
    ['predict', t.predict ?? ['-']],
  ] as const) {
    if (argv.length === 0 || argv.some((arg) => arg.length === 0 || arg.includes('\0'))) {
      return fail('target_invalid_command', name);
    }
  }

  // [REJECT] minDelta > 0 (an entry must improve on its parent), tolerance >= 0, runs is
  // 1-15, every limit is positive, and the reveal delay is at most LIMITS.maxRevealDelayMs.
  if (!(t.minDelta > 0)) return fail('target_invalid_number', 'minDelta must be positive');
  if (t.tolerance < 0) return fail('target_invalid_number', 'tolerance is negative');
  if (t.runs < 1 || t.runs > LIMITS.maxRuns) return fail('target_invalid_number', 'runs');
  const { wallSeconds, memoryMb, outputMb, processes } = t.limits;
  if (Math.min(wallSeconds, memoryMb, outputMb, processes) < 1) {
    return fail('target_invalid_number', 'limits');
  }
  if (t.revealDelayMs > LIMITS.maxRevealDelayMs) return fail('target_invalid_number', 'reveal');
  // [REJECT] The hardware class is 1-64 of [a-z0-9:._-], starting with a letter or digit.
  if (!HARDWARE.test(t.hardware)) return fail('target_invalid_hardware', t.hardware);

  // [REJECT] 1 <= quorum <= number of verifiers; every verifier is a valid Ed25519 key.
  // (An invalid author key cannot have signed: that is bad_signature, below.)
  if (t.verifiers.length === 0 || t.quorum < 1 || t.quorum > t.verifiers.length) {
    return fail('target_invalid_quorum', `${t.quorum} of ${t.verifiers.length}`);
  }
  if (!t.verifiers.every(isValidPublicKey)) {
    return fail('target_invalid_quorum', 'a verifier is not a valid Ed25519 key');
  }

  const metric = checkMetric(t);
  if (metric) return metric;
  for (const param of t.searchSpace) {
    const error = checkSearchParam(param, t.mutablePaths);
    if (error) return error;
  }
  return undefined;
}

function checkMetric({ metric }: Target): ProtocolError | undefined {
  // [REJECT] The metric has a name and a pattern; a json-file metric names its file, a
  // stdout-line metric does not, and its pattern is an ECMAScript regular expression (with
  // the `u` flag, matched against each line of stdout) that has a capture group.
  if (!METRIC_NAME.test(metric.name) || metric.pattern.length === 0) {
    return fail('target_invalid_metric', 'name or pattern');
  }
  if (metric.source === 'json-file') {
    if (metric.file === undefined || !isValidPath(metric.file)) {
      return fail('target_invalid_metric', 'json-file needs a valid file');
    }
    return undefined;
  }
  if (metric.file !== undefined) return fail('target_invalid_metric', 'stdout-line has no file');
  try {
    if (new RegExp(`${metric.pattern}|`, 'u').exec('')!.length < 2) {
      return fail('target_invalid_metric', 'pattern needs a capture group');
    }
  } catch {
    return fail('target_invalid_metric', 'pattern is not a regular expression');
  }
  return undefined;
}

function checkSearchParam(p: SearchParam, mutable: readonly string[]): ProtocolError | undefined {
  const bad = (why: string) => fail('target_invalid_search_space', `${p.name}: ${why}`);
  // [REJECT] Every setting lives in a mutable file and has a valid name.
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(p.name)) return bad('name');
  if (!isValidPath(p.file) || !matchesAny(p.file, mutable)) return bad('file is not mutable');
  // [REJECT] A choice has at least two distinct choices and no bounds; a number has
  // min < max (integers for int, min > 0 for log-float) and no choices.
  if (p.kind === 'choice') {
    if (p.min !== undefined || p.max !== undefined) return bad('choice with bounds');
    if (p.choices.length < 2 || new Set(p.choices).size !== p.choices.length) {
      return bad('needs two or more distinct choices');
    }
    return undefined;
  }
  if (p.choices.length > 0) return bad('numeric setting with choices');
  if (p.min === undefined || p.max === undefined || !(p.min < p.max)) return bad('min < max');
  if (p.kind === 'int' && !(Number.isInteger(p.min) && Number.isInteger(p.max))) {
    return bad('int bounds must be integers');
  }
  if (p.kind === 'log-float' && p.min <= 0) return bad('log-float needs min > 0');
  return undefined;
}

/** The baseline tree belongs to the manifest and holds every file the manifest names. */
export function validateTargetFiles(target: Target, tree: Tree): ProtocolError | undefined {
  const treeError = validateTree(tree, target.baseline);
  if (treeError) return treeError;
  const paths = tree.files.map((f) => f.path);
  const exists = (pattern: string) => paths.some((p) => matchesPattern(p, pattern));
  // [REJECT] program.md, every mutable and held-out path, and every search-space file exist.
  const named = [
    target.program,
    ...target.mutablePaths,
    ...target.heldOutPaths,
    ...target.searchSpace.map((p) => p.file),
  ];
  const missing = named.find((p) => !exists(p));
  if (missing !== undefined) return fail('target_file_missing', missing);
  // [REJECT] No file that the score command names is mutable: the metric must come from
  // code a candidate cannot change (DESIGN rule 1).
  const scored = target.score.find(
    (arg) => paths.includes(arg) && matchesAny(arg, target.mutablePaths),
  );
  return scored === undefined
    ? undefined
    : fail('target_invalid_paths', `score runs mutable ${scored}`);
}
