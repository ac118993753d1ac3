/**
 * fast-check arbitraries for every object kind, within the schema's bounds: finite doubles
 * other than -0, safe integers, fixed-length byte strings, strings up to their limit in UTF-8
 * bytes (any Unicode scalar value, so non-ASCII too), and sorted, distinct lists where the
 * schema asks for them. Long lists are kept shorter than their bound so that an object stays
 * under its kind's size limit; encode.test.ts checks the bounds themselves.
 */
import fc from 'fast-check';
import {
  type Attestation,
  attestationCodec,
  type Candidate,
  type Commitment,
  candidateCodec,
  commitmentCodec,
  compareBytes,
  entryCodec,
  type Head,
  type LogEntry,
  type MetricSpec,
  type NamedMetric,
  type ObjectCodec,
  type SearchParam,
  type Status,
  statusCodec,
  type Target,
  type Tree,
  type TreeFile,
  targetCodec,
  treeCodec,
  utf8,
} from '../src/index.ts';

const fixedBytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
export const hash = fixedBytes(32);
export const publicKey = fixedBytes(32);
export const signature = fixedBytes(64);

/** Safe unsigned integers, small ones often (varint lengths 1-2) and the extremes. */
export const uint = fc.oneof(fc.nat(300), fc.maxSafeNat(), fc.constant(Number.MAX_SAFE_INTEGER));

/** Finite doubles other than -0, which the encoding writes as +0. */
export const f64 = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((x) => !Object.is(x, -0));

/** The longest prefix of `s` (in code points) that fits in `maxBytes` of UTF-8. */
function fitUtf8(s: string, maxBytes: number): string {
  let out = '';
  let size = 0;
  for (const ch of s) {
    const n = utf8(ch).length;
    if (size + n > maxBytes) break;
    out += ch;
    size += n;
  }
  return out;
}

/** A string of at most `maxBytes` UTF-8 bytes: any scalar values, ASCII, or exactly full. */
export function text(maxBytes: number): fc.Arbitrary<string> {
  const full = 'é'.repeat(Math.floor(maxBytes / 2)) + (maxBytes % 2 ? 'x' : '');
  return fc
    .oneof(
      { arbitrary: fc.string({ unit: 'binary', maxLength: maxBytes }), weight: 4 },
      { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 24 }), weight: 4 },
      { arbitrary: fc.constant(full), weight: 1 },
    )
    .map((s) => fitUtf8(s, maxBytes));
}

/** A list sorted strictly by `key`, as the encoding requires (so also free of duplicates). */
export function sortedBy<T>(
  item: fc.Arbitrary<T>,
  key: (t: T) => Uint8Array,
  maxLength: number,
): fc.Arbitrary<T[]> {
  const selector = (t: T) => Buffer.from(key(t)).toString('hex');
  return fc
    .uniqueArray(item, { maxLength, selector })
    .map((items) => items.sort((a, b) => compareBytes(key(a), key(b))));
}

/** Plain objects (fast-check's default null prototype would not deep-equal a decoding). */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

/** Sets an optional field most of the time; otherwise the key is absent, not undefined. */
function sometimes<T, K extends keyof T>(
  base: fc.Arbitrary<Omit<T, K>>,
  key: K,
  value: fc.Arbitrary<NonNullable<T[K]>>,
): fc.Arbitrary<T> {
  return fc
    .tuple(base, fc.option(value, { nil: undefined }))
    .map(([b, v]) => (v === undefined ? b : { ...b, [key]: v }) as T);
}

const argv = fc.array(text(4096), { maxLength: 4 });
const paths = sortedBy(text(1024), utf8, 8);

export const treeFile = record<TreeFile>({
  path: text(1024),
  blob: hash,
  size: uint,
  executable: fc.boolean(),
});

export const tree = record<Tree>({ files: sortedBy(treeFile, (f) => utf8(f.path), 12) });

/** A search setting has an optional `min` and an optional `max`, independently. */
const withBounds = (base: fc.Arbitrary<Omit<SearchParam, 'min' | 'max'>>) =>
  sometimes<SearchParam, 'max'>(
    sometimes<Omit<SearchParam, 'max'>, 'min'>(base, 'min', f64),
    'max',
    f64,
  );
const searchParam: fc.Arbitrary<SearchParam> = withBounds(
  record({
    name: text(64),
    file: text(1024),
    kind: fc.constantFrom('int', 'float', 'log-float', 'choice'),
    choices: fc.array(text(256), { maxLength: 4 }),
  }),
);

const metricSpec = sometimes<MetricSpec, 'file'>(
  record({
    name: text(64),
    direction: fc.constantFrom('minimize', 'maximize'),
    source: fc.constantFrom('stdout-line', 'json-file'),
    pattern: text(1024),
  }),
  'file',
  text(1024),
);

export const target: fc.Arbitrary<Target> = sometimes<Target, 'predict'>(
  sometimes<Target, 'setup'>(
    record({
      name: text(64),
      description: text(4096),
      author: publicKey,
      baseline: hash,
      mutablePaths: paths,
      heldOutPaths: paths,
      program: text(1024),
      run: argv,
      score: argv,
      metric: metricSpec,
      limits: record({ wallSeconds: uint, memoryMb: uint, outputMb: uint, processes: uint }),
      hardware: text(64),
      minDelta: f64,
      tolerance: f64,
      runs: uint,
      verifiers: sortedBy(publicKey, (k) => k, 8),
      quorum: uint,
      revealDelayMs: uint,
      searchSpace: sortedBy(searchParam, (p) => utf8(p.name), 4),
      createdAt: uint,
      signature,
    }),
    'setup',
    argv,
  ),
  'predict',
  argv,
);

export const commitment = record<Commitment>({
  target: hash,
  author: publicKey,
  value: hash,
  createdAt: uint,
  signature,
});

export const candidate = record<Candidate>({
  target: hash,
  parent: hash,
  tree: hash,
  salt: hash,
  claim: f64,
  effort: record({ experiments: uint, seconds: uint }),
  description: text(280),
  author: publicKey,
  createdAt: uint,
  signature,
});

const namedMetric = record<NamedMetric>({ name: text(64), value: f64 });

export const attestation: fc.Arbitrary<Attestation> = sometimes<Attestation, 'metric'>(
  record({
    target: hash,
    candidate: hash,
    verifier: publicKey,
    verdict: fc.constantFrom('accept', 'reject'),
    reason: text(64),
    runs: fc.array(f64, { maxLength: 15 }),
    extra: sortedBy(namedMetric, (m) => utf8(m.name), 32),
    runtimeMs: uint,
    credit: hash,
    receipt: record({
      tree: hash,
      harness: hash,
      data: hash,
      seed: hash,
      environment: text(256),
      runner: text(64),
    }),
    createdAt: uint,
    signature,
  }),
  'metric',
  f64,
);

export const entry = record<LogEntry>({
  target: hash,
  height: uint,
  prev: hash,
  candidate,
  metric: f64,
  credit: record({ commitment, salt: hash }),
  attestations: sortedBy(attestation, (a) => a.verifier, 4),
});

const head = record<Head>({ target: hash, head: hash, height: uint, metric: f64 });

export const status = record<Status>({ heads: sortedBy(head, (h) => h.target, 16) });

/** Every object kind: its name, its codec and an arbitrary of its values. */
export const kinds: [string, ObjectCodec<unknown>, fc.Arbitrary<unknown>][] = [
  ['target', targetCodec as ObjectCodec<unknown>, target],
  ['tree', treeCodec as ObjectCodec<unknown>, tree],
  ['commitment', commitmentCodec as ObjectCodec<unknown>, commitment],
  ['candidate', candidateCodec as ObjectCodec<unknown>, candidate],
  ['attestation', attestationCodec as ObjectCodec<unknown>, attestation],
  ['entry', entryCodec as ObjectCodec<unknown>, entry],
  ['status', statusCodec as ObjectCodec<unknown>, status],
];
