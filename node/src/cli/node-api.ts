// The HTTP API of the node that owns a data directory, for commands that report on it
// (`status`): the running node's, found through `<dataDir>/api.json`, or, when no node runs,
// the same routes built in-process over the store opened read-only for the call. Either way
// the command reads one set of routes, so online and offline answers have the same shape.

import { readApiFile } from '../api/discovery.ts';
import { loadIdentity } from '../identity.ts';
import { CliError } from './errors.ts';
import { withStore } from './open-store.ts';
import { cliVersion } from './version.ts';

export interface NodeApi {
  /** Where the answers come from: the running node's URL, or undefined for the store. */
  url: string | undefined;
  get<T>(path: string): Promise<T>;
}

export async function withNodeApi<T>(
  dataDir: string,
  body: (api: NodeApi) => Promise<T>,
): Promise<T> {
  const running = await readApiFile(dataDir);
  if (running && isAlive(running.pid)) {
    return body({
      url: running.url,
      async get<R>(path: string) {
        const response = await fetch(new URL(path, running.url)).catch((err: unknown) => {
          throw new CliError(
            'node_unreachable',
            `the node at ${running.url} did not answer: ${(err as Error).message}`,
            { cause: err },
          );
        });
        return answer<R>(response.status, await response.json());
      },
    });
  }
  return withStore(dataDir, async (store) => {
    const identity = await loadIdentity(dataDir).catch(() => undefined);
    // Loaded here: commands that never read the store offline need not load fastify.
    const { buildApi } = await import('../api/app.ts');
    const app = buildApi({
      peerId: identity?.peerId.toString() ?? '',
      version: cliVersion(),
      multiaddrs: () => [],
      connections: () => [],
      store,
    });
    try {
      return await body({
        url: undefined,
        async get<R>(path: string) {
          const response = await app.inject({ method: 'GET', url: path });
          return answer<R>(response.statusCode, response.json());
        },
      });
    } finally {
      await app.close();
    }
  });
}

function answer<T>(status: number, body: unknown): T {
  if (status === 200) return body as T;
  const error = (body as { error?: { code?: string; message?: string } }).error;
  if (status === 404) throw new CliError('not_found', error?.message ?? 'not found');
  // A name or id prefix that matches several targets: the command line must say more.
  if (error?.code === 'ambiguous') throw new CliError('usage', error.message ?? 'ambiguous');
  throw new CliError(
    'internal',
    `the API answered ${status}: ${error?.code ?? ''} ${error?.message ?? ''}`,
  );
}

/** Whether a process with this pid exists (a node killed without cleanup leaves its file). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
