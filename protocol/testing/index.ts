/**
 * Builders of real, signed protocol objects for tests and benchmarks across the workspace:
 * deterministic keys, a small target with its baseline files, and valid chains of entries.
 * Everything here is derived from seeds and counters, so the same calls give the same bytes.
 */
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  ATTESTATION,
  type Attestation,
  blobHash,
  CANDIDATE,
  type Candidate,
  COMMITMENT,
  type Commitment,
  commitmentValue,
  compareBytes,
  deriveSeed,
  type Hash,
  harnessHash,
  heldOutHash,
  idOf,
  type LogEntry,
  makeTree,
  median,
  publicKeyOf,
  seedBase,
  signObject,
  TARGET,
  type Target,
  type Tree,
  treeHash,
  utf8,
  ZERO_HASH,
} from '../src/index.ts';

export function testSeed(label: string): Uint8Array {
  return sha256(utf8(`nightshift test seed: ${label}`));
}

export function testKey(label: string): Promise<PrivateKey> {
  return generateKeyPairFromSeed('Ed25519', testSeed(label));
}

export interface Fixture {
  target: Target;
  targetId: Hash;
  tree: Tree;
  /** Blob contents by hex hash, for the baseline tree and every tree built since. */
  blobs: Map<string, Uint8Array>;
  researcher: PrivateKey;
  verifiers: PrivateKey[];
  workers: PrivateKey[];
}

export interface FixtureOptions {
  name?: string;
  direction?: 'minimize' | 'maximize';
  minDelta?: number;
  tolerance?: number;
  runs?: number;
  verifierCount?: number;
  quorum?: number;
  workerCount?: number;
  /** The baseline tree's files (default: a tiny Python target's). */
  files?: Record<string, string | Uint8Array>;
  /** Manifest fields over the defaults (author, baseline and verifiers come from the fixture). */
  manifest?: Partial<Omit<Target, 'author' | 'baseline' | 'verifiers' | 'signature'>>;
}

const BASELINE_FILES: Record<string, string> = {
  'program.md': '# Make bits per character go down\nEdit train.py only.\n',
  'train.py': 'LEARNING_RATE = 0.1\nLAYERS = 2\n',
  'score.py': 'print("bpc", 2.5)\n',
  'data/train.txt': 'the quick brown fox\n',
  'data/heldout.txt': 'jumps over the lazy dog\n',
};

export function filesToTree(
  files: Record<string, string | Uint8Array>,
  blobs: Map<string, Uint8Array>,
): Tree {
  return makeTree(
    Object.entries(files).map(([path, text]) => {
      const content = typeof text === 'string' ? utf8(text) : text;
      const blob = blobHash(content);
      blobs.set(Buffer.from(blob).toString('hex'), content);
      return { path, blob, size: content.length, executable: false };
    }),
  );
}

export async function makeFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const name = options.name ?? 'tiny';
  const researcher = await testKey(`${name}/researcher`);
  const verifierCount = options.verifierCount ?? 3;
  const verifiers = await Promise.all(
    Array.from({ length: verifierCount }, (_, i) => testKey(`${name}/verifier/${i}`)),
  );
  verifiers.sort((a, b) => compareBytes(publicKeyOf(a), publicKeyOf(b)));
  const workers = await Promise.all(
    Array.from({ length: options.workerCount ?? 2 }, (_, i) => testKey(`${name}/worker/${i}`)),
  );
  const blobs = new Map<string, Uint8Array>();
  const tree = filesToTree(options.files ?? BASELINE_FILES, blobs);
  const target = await signObject(
    TARGET,
    {
      name,
      description: 'A small test target.',
      author: publicKeyOf(researcher),
      baseline: treeHash(tree),
      mutablePaths: ['train.py'],
      heldOutPaths: ['data/heldout.txt'],
      program: 'program.md',
      run: ['python3', 'train.py'],
      score: ['python3', 'score.py'],
      metric: {
        name: 'bpc',
        direction: options.direction ?? 'minimize',
        source: 'stdout-line',
        pattern: '^bpc ([0-9.]+)$',
      },
      limits: { wallSeconds: 60, memoryMb: 512, outputMb: 16, processes: 32 },
      hardware: 'cpu',
      minDelta: options.minDelta ?? 0.01,
      tolerance: options.tolerance ?? 0.02,
      runs: options.runs ?? 1,
      verifiers: verifiers.map(publicKeyOf),
      quorum: options.quorum ?? Math.min(2, verifierCount),
      revealDelayMs: 1000,
      searchSpace: [
        { name: 'LAYERS', file: 'train.py', kind: 'int', min: 1, max: 8, choices: [] },
        {
          name: 'LEARNING_RATE',
          file: 'train.py',
          kind: 'log-float',
          min: 0.0001,
          max: 1,
          choices: [],
        },
      ],
      createdAt: 1_700_000_000_000,
      ...options.manifest,
    },
    researcher,
  );
  return {
    target,
    targetId: idOf(TARGET, target),
    tree,
    blobs,
    researcher,
    verifiers,
    workers,
  };
}

export interface ExtendOptions {
  /** The verified metric of the new entry (default: parent's improved by 2 × minDelta). */
  metric?: number;
  /** The claim (default: the metric). */
  claim?: number;
  author?: PrivateKey;
  /** Which verifiers attest (default: the first `quorum`). */
  verifiers?: PrivateKey[];
  /** Changes to mutable files (default: a new train.py). */
  files?: Record<string, string>;
  description?: string;
}

/** Builds valid, signed entries on top of a fixture's target; time is a counter. */
export class ChainBuilder {
  private clock = 1_700_000_000_000;
  private counter = 0;
  readonly trees = new Map<string, Tree>();

  constructor(readonly fixture: Fixture) {
    this.trees.set(Buffer.from(fixture.target.baseline).toString('hex'), fixture.tree);
  }

  private tick(): number {
    this.clock += 1000;
    return this.clock;
  }

  genesis(metric = 2.5): Promise<LogEntry> {
    return this.entryFor(undefined, this.fixture.tree, {
      metric,
      author: this.fixture.researcher,
      description: 'baseline',
    });
  }

  /** A new valid entry on `parent`, with a changed mutable file. */
  extend(parent: LogEntry, parentHash: Hash, options: ExtendOptions = {}): Promise<LogEntry> {
    const n = ++this.counter;
    const files = options.files ?? { 'train.py': `LEARNING_RATE = 0.1\nLAYERS = ${n + 2}\n` };
    const parentTree = this.trees.get(Buffer.from(parent.candidate.tree).toString('hex'))!;
    const changed = filesToTree(files, this.fixture.blobs);
    const kept = parentTree.files.filter((f) => !(f.path in files));
    const tree = makeTree([...kept, ...changed.files]);
    const { minDelta, metric: spec } = this.fixture.target;
    const step = spec.direction === 'minimize' ? -2 * minDelta : 2 * minDelta;
    return this.entryFor({ entry: parent, hash: parentHash }, tree, {
      metric: options.metric ?? parent.metric + step,
      ...options,
    });
  }

  private async entryFor(
    parent: { entry: LogEntry; hash: Hash } | undefined,
    tree: Tree,
    options: ExtendOptions & { metric: number },
  ): Promise<LogEntry> {
    const { target, targetId } = this.fixture;
    const author = options.author ?? this.fixture.workers[0]!;
    const tHash = treeHash(tree);
    this.trees.set(Buffer.from(tHash).toString('hex'), tree);
    const salt = sha256(utf8(`salt ${this.counter} ${this.clock}`));
    const commitment: Commitment = await signObject(
      COMMITMENT,
      {
        target: targetId,
        author: publicKeyOf(author),
        value: commitmentValue(tHash, publicKeyOf(author), salt),
        createdAt: this.tick(),
      },
      author,
    );
    const candidate: Candidate = await signObject(
      CANDIDATE,
      {
        target: targetId,
        parent: parent?.hash ?? ZERO_HASH,
        tree: tHash,
        salt,
        claim: options.claim ?? options.metric,
        effort: { experiments: 40, seconds: 1200 },
        description: options.description ?? `experiment ${this.counter}`,
        author: publicKeyOf(author),
        createdAt: this.tick(),
      },
      author,
    );
    const candidateId = idOf(CANDIDATE, candidate);
    const verifiers = options.verifiers ?? this.fixture.verifiers.slice(0, target.quorum);
    const attestations: Attestation[] = [];
    for (const verifier of verifiers) {
      const runs = Array.from({ length: target.runs }, () => options.metric);
      attestations.push(
        await signObject(
          ATTESTATION,
          {
            target: targetId,
            candidate: candidateId,
            verifier: publicKeyOf(verifier),
            verdict: 'accept',
            reason: 'ok',
            metric: median(runs),
            runs,
            extra: [{ name: 'runtime_s', value: 3.5 }],
            runtimeMs: 3500,
            credit: idOf(COMMITMENT, commitment),
            receipt: {
              tree: tHash,
              harness: harnessHash(tree, target),
              data: heldOutHash(tree, target),
              seed: deriveSeed(seedBase(candidate), 0),
              environment: 'linux x64; test cpu',
              runner: 'nightshift-runner/0.1.0',
            },
            createdAt: this.tick(),
          },
          verifier,
        ),
      );
    }
    attestations.sort((a, b) => compareBytes(a.verifier, b.verifier));
    return {
      target: targetId,
      height: parent ? parent.entry.height + 1 : 0,
      prev: parent?.hash ?? ZERO_HASH,
      candidate,
      metric: median(attestations.map((a) => a.metric!)),
      credit: { commitment, salt },
      attestations,
    };
  }
}
