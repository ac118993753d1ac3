/**
 * `<dataDir>/api.json`: where a running node's API listens, so that CLI commands run
 * against the same data directory find it (`{url, peerId, pid}`). Written once the API
 * listens, removed at a clean stop; a file left by a killed node names a pid that is gone.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const API_FILE = 'api.json';

export interface ApiDiscovery {
  url: string;
  peerId: string;
  pid: number;
}

export async function writeApiFile(dataDir: string, discovery: ApiDiscovery): Promise<void> {
  const path = join(dataDir, API_FILE);
  const incoming = `${path}.${process.pid}.tmp`;
  await writeFile(incoming, `${JSON.stringify(discovery)}\n`, { mode: 0o600 });
  await rename(incoming, path);
}

/** Removes the file if it is this process's (another node may have written it since). */
export async function removeApiFile(dataDir: string): Promise<void> {
  const found = await readApiFile(dataDir);
  if (found?.pid === process.pid) await rm(join(dataDir, API_FILE), { force: true });
}

/** The running node's API as its file says, or undefined when there is none or it is damaged. */
export async function readApiFile(dataDir: string): Promise<ApiDiscovery | undefined> {
  try {
    const value = JSON.parse(await readFile(join(dataDir, API_FILE), 'utf8'));
    const ok =
      typeof value?.url === 'string' &&
      typeof value?.peerId === 'string' &&
      Number.isInteger(value?.pid);
    return ok ? { url: value.url, peerId: value.peerId, pid: value.pid } : undefined;
  } catch {
    return undefined;
  }
}
