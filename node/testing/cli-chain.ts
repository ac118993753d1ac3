// Helpers for CLI tests over a real store: a data dir holding a target, its trees and blobs,
// and a log with a canonical chain and a worse side branch; and main() run in-process.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryHash, type LogEntry } from '@nightshift/protocol';
import { ChainBuilder, type Fixture, makeFixture } from '@nightshift/protocol/testing';
import { Store } from '@nightshift/store';
import type { CliContext } from '../src/cli/context.ts';
import { main } from '../src/cli/main.ts';

export const scratch = await mkdtemp(join(tmpdir(), 'nightshift-cli-chain-'));

export interface StoredLog {
  dataDir: string;
  fixture: Fixture;
  chain: ChainBuilder;
  /** g → a1 → a2 (canonical), g → b1 (orphaned). */
  entries: { g: LogEntry; a1: LogEntry; a2: LogEntry; b1: LogEntry };
}

export async function storedLog(name = 'tiny-lm'): Promise<StoredLog> {
  const fixture = await makeFixture({ name });
  const chain = new ChainBuilder(fixture);
  const g = await chain.genesis(2.5);
  const a1 = await chain.extend(g, entryHash(g), { metric: 2.4, description: 'more layers' });
  const a2 = await chain.extend(a1, entryHash(a1), {
    metric: 2.3,
    files: { 'train.py': 'LEARNING_RATE = 0.05\nLAYERS = 3\n' },
    description: 'halve the learning rate',
  });
  const b1 = await chain.extend(g, entryHash(g), { metric: 2.45, description: 'a side branch' });
  const dataDir = await mkdtemp(join(scratch, 'data-'));
  await addToStore(dataDir, fixture, chain, [g, a1, a2, b1]);
  return { dataDir, fixture, chain, entries: { g, a1, a2, b1 } };
}

/** Stores entries with the target, and every tree and blob the builder made so far. */
export async function addToStore(
  dataDir: string,
  fixture: Fixture,
  chain: ChainBuilder,
  entries: LogEntry[],
): Promise<void> {
  const store = await Store.open(dataDir);
  try {
    await store.targets.put(fixture.target);
    for (const bytes of fixture.blobs.values()) await store.blobs.put(bytes);
    for (const tree of chain.trees.values()) await store.trees.put(tree);
    for (const entry of entries) await store.entries.add(entry);
  } finally {
    await store.close();
  }
}

/** Runs `nightshift <argv>` in-process; returns the exit code and what it printed. */
export async function run(argv: string[], overrides: Partial<CliContext> = {}) {
  const out = { stdout: '', stderr: '' };
  const context: CliContext = {
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    env: {},
    platform: 'linux',
    homedir: join(scratch, 'home'),
    cwd: scratch,
    shutdownSignal: () => new AbortController().signal,
    ...overrides,
  };
  const code = await main(argv, context);
  return { code, ...out };
}
