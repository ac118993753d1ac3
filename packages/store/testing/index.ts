/**
 * Helpers for tests that need a real store: a fresh data directory per call under one
 * scratch directory, removed when the process's tests are done.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { Store } from '../src/store.ts';

let scratch: Promise<string> | undefined;
let count = 0;

/** A data directory that does not exist yet, inside a scratch directory removed after the tests. */
export async function freshDataDir(label = 'node'): Promise<string> {
  if (!scratch) {
    const made = mkdtemp(join(tmpdir(), 'nightshift-store-'));
    scratch = made;
    after(async () => rm(await made, { recursive: true, force: true }));
  }
  // Numbered before the await, so concurrent callers never share a directory.
  count += 1;
  const n = count;
  return join(await scratch, `${label}-${n}`);
}

/** Opens a store in a fresh data directory; returns it with the directory. */
export async function openFreshStore(label?: string): Promise<{ store: Store; dataDir: string }> {
  const dataDir = await freshDataDir(label);
  return { store: await Store.open(dataDir), dataDir };
}

export { deterministicBytes } from './bytes.ts';
