// The API server on real sockets: the default address gives way to a free port when its own
// is taken; an address someone asked for does not.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { openFreshStore } from '@nightshift/store/testing';
import { toCliError } from '../cli/errors.ts';
import { ApiServer } from './server.ts';
import type { ApiSources } from './sources.ts';

async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address !== 'string');
  return { port: address.port, server };
}

async function sources(): Promise<{ sources: ApiSources; close: () => Promise<void> }> {
  const { store } = await openFreshStore('api-server');
  return {
    sources: { peerId: 'p', version: 'v', multiaddrs: () => [], connections: () => [], store },
    close: () => store.close(),
  };
}

describe('ApiServer', () => {
  it('takes a free port when the default one is taken, and says so', async () => {
    const busy = await busyPort();
    const { sources: s, close } = await sources();
    const api = new ApiServer({ host: '127.0.0.1', port: busy.port, fallback: true }, s);
    await api.start();
    assert.equal(api.onFallbackPort, true);
    assert.match(api.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(api.url, `http://127.0.0.1:${busy.port}`);
    const response = await fetch(`${api.url}/api/v1/node`);
    assert.equal(response.status, 200);
    await api.stop();
    busy.server.close();
    await close();
  });

  it('fails with address_unavailable when an asked-for port is taken', async () => {
    const busy = await busyPort();
    const { sources: s, close } = await sources();
    const api = new ApiServer({ host: '127.0.0.1', port: busy.port }, s);
    await assert.rejects(api.start(), (err) => toCliError(err).code === 'address_unavailable');
    await api.stop();
    busy.server.close();
    await close();
  });
});
