/**
 * A source store with one target and a chain of real signed entries (with every tree and
 * blob), for the late-joiner test and the sync benchmark. Signing 10,000 entries takes a
 * while, so the store is built once per machine under the OS temp directory and copied for
 * each use. The cache is keyed by the sources that decide its bytes: protocol/, its test
 * builders and the store; a change to any of them builds a new one.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entryHash } from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import { Store } from '@nightshift/store';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const KEYED_BY = ['protocol/src', 'protocol/testing', 'packages/store/src'];

/** Copies the cached store of a `count`-entry chain (building it first if needed) to `dataDir`. */
export async function copyChainStore(count: number, dataDir: string): Promise<void> {
  const key = await sourcesHash(KEYED_BY);
  const cached = join(tmpdir(), 'nightshift-test-cache', `chain-${count}-${key.slice(0, 16)}`);
  if (!existsSync(cached)) {
    const building = `${cached}.building-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    await buildChainStore(building, count);
    try {
      await rename(building, cached);
    } catch {
      // Another process built it first.
      await rm(building, { recursive: true, force: true });
    }
  }
  await cp(cached, dataDir, { recursive: true });
}

async function buildChainStore(dataDir: string, count: number): Promise<void> {
  const fixture = await makeFixture({ name: `chain-${count}` });
  const chain = new ChainBuilder(fixture);
  const store = await Store.open(dataDir);
  try {
    const genesis = await chain.genesis();
    await store.targets.put(fixture.target);
    await store.entries.add(genesis);
    let previous = genesis;
    for (let i = 1; i < count; i++) {
      const entry = await chain.extend(previous, entryHash(previous));
      await store.entries.add(entry);
      previous = entry;
    }
    for (const tree of chain.trees.values()) await store.trees.put(tree);
    for (const content of fixture.blobs.values()) await store.blobs.put(content);
  } finally {
    await store.close();
  }
}

async function sourcesHash(dirs: string[]): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else hash.update(relative(REPO, path)).update(await readFile(path));
    }
  };
  for (const dir of dirs) await walk(join(REPO, dir));
  return hash.digest('hex');
}
