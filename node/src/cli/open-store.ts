// Opening a node's existing store for a command that reads it (log, export-git, reproduce,
// target list). A command never creates a store it was only asked to read, and a store that a
// running node holds gets an error that says what to do instead of LevelDB's lock message.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isStoreError, STORE_DIR, Store } from '@nightshift/store';
import { CliError } from './errors.ts';

export async function openExistingStore(dataDir: string): Promise<Store> {
  if (!existsSync(join(dataDir, STORE_DIR))) {
    throw new CliError('no_store', `no store in ${dataDir}: nothing was stored there`);
  }
  try {
    return await Store.open(dataDir);
  } catch (err) {
    if (!isStoreError(err, 'store_locked')) throw err;
    throw new CliError(
      'store_locked',
      `the store in ${dataDir} is in use by another process (a running nightshift node, ` +
        'worker or verifier): stop it and run this again, or read that node through its ' +
        'HTTP API (--api)',
      { cause: err },
    );
  }
}

/** Runs `body` with the store open, and closes it whatever happens. */
export async function withStore<T>(
  dataDir: string,
  body: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openExistingStore(dataDir);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}
