/**
 * Helpers for tests that run experiments: an in-memory tree source, a target manifest with
 * test defaults, and the bubblewrap requirement (skip with a reason locally, fail in CI).
 */
import type { TestContext } from 'node:test';
import {
  blobHash,
  type Hash,
  hashHex,
  makeTree,
  type Target,
  type Tree,
  treeHash,
} from '@nightshift/protocol';
import { findBubblewrap } from '../src/bubblewrap.ts';
import type { TreeSource } from '../src/materialize.ts';

export type TestFiles = Record<string, string | { content: string; executable: boolean }>;

/** A TreeSource over maps, for tests that need no LevelDB. */
export class MemorySource implements TreeSource {
  private readonly blobMap = new Map<string, Uint8Array>();
  private readonly treeMap = new Map<string, Tree>();

  readonly trees = { get: async (hash: Hash) => this.treeMap.get(hashHex(hash)) };
  readonly blobs = {
    read: async (hash: Hash) => {
      const bytes = this.blobMap.get(hashHex(hash));
      return (
        bytes &&
        (async function* () {
          yield bytes;
        })()
      );
    },
  };

  /** Stores the files as a tree; returns it and its hash. */
  add(files: TestFiles): { tree: Tree; hash: Hash } {
    const tree = makeTree(
      Object.entries(files).map(([path, file]) => {
        const { content, executable } =
          typeof file === 'string' ? { content: file, executable: false } : file;
        const bytes = new TextEncoder().encode(content);
        const blob = blobHash(bytes);
        this.blobMap.set(hashHex(blob), bytes);
        return { path, blob, size: bytes.length, executable };
      }),
    );
    const hash = treeHash(tree);
    this.treeMap.set(hashHex(hash), tree);
    return { tree, hash };
  }
}

/** A target manifest for runner tests (unsigned: the runner does not check signatures). */
export function testTarget(overrides: Partial<Target> = {}): Target {
  return {
    name: 'runner-test',
    description: 'A throwaway target for runner tests.',
    author: new Uint8Array(32),
    baseline: new Uint8Array(32),
    mutablePaths: ['train.py'],
    heldOutPaths: ['data/heldout.txt'],
    program: 'program.md',
    run: ['python3', 'train.py'],
    score: ['python3', 'score.py'],
    metric: {
      name: 'score',
      direction: 'minimize',
      source: 'stdout-line',
      pattern: '^score: (\\S+)$',
    },
    limits: { wallSeconds: 20, memoryMb: 256, outputMb: 4, processes: 32 },
    hardware: 'cpu',
    minDelta: 0.01,
    tolerance: 0.01,
    runs: 1,
    verifiers: [new Uint8Array(32)],
    quorum: 1,
    revealDelayMs: 0,
    searchSpace: [],
    createdAt: 0,
    signature: new Uint8Array(64),
    ...overrides,
  };
}

/**
 * True when bwrap is installed. Otherwise the test is skipped with the reason, except in CI
 * (`CI=true`), where a missing sandbox fails the test: CI must run these under bubblewrap.
 */
export function requireBubblewrap(t: TestContext): boolean {
  if (findBubblewrap()) return true;
  if (process.env.CI === 'true')
    throw new Error('bubblewrap is required in CI: apt-get install bubblewrap');
  t.skip('bubblewrap (bwrap) is not installed: apt-get install bubblewrap');
  return false;
}
