// The HTTP API over a real store, driven with app.inject(): no socket.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryHash, hashHex } from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import { openFreshStore } from '@nightshift/store/testing';
import { buildApi } from './app.ts';
import type { ApiSources } from './sources.ts';

async function apiOverStore() {
  const { store } = await openFreshStore('api');
  const sources: ApiSources = {
    peerId: '12D3KooWTest',
    version: '9.9.9',
    multiaddrs: () => ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWTest'],
    connections: () => [{ peerId: '12D3KooWOther', address: '/ip4/127.0.0.1/tcp/4002' }],
    store,
  };
  return { app: buildApi(sources), store };
}

describe('HTTP API', () => {
  it('describes the node: peer id, version, addresses and connected peers', async () => {
    const { app, store } = await apiOverStore();
    const response = await app.inject({ method: 'GET', url: '/api/v1/node' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.deepEqual(response.json(), {
      peerId: '12D3KooWTest',
      version: '9.9.9',
      addresses: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWTest'],
      peers: [{ peerId: '12D3KooWOther', address: '/ip4/127.0.0.1/tcp/4002' }],
    });
    await app.close();
    await store.close();
  });

  it('lists the canonical head of every stored target, and follows it as the log grows', async () => {
    const { app, store } = await apiOverStore();
    assert.deepEqual((await app.inject({ url: '/api/v1/heads' })).json(), { heads: [] });

    const fixture = await makeFixture({ name: 'api-heads' });
    const chain = new ChainBuilder(fixture);
    const genesis = await chain.genesis();
    await store.targets.put(fixture.target);
    await store.entries.add(genesis);
    const next = await chain.extend(genesis, entryHash(genesis));
    await store.entries.add(next);

    const { heads } = (await app.inject({ url: '/api/v1/heads' })).json();
    assert.deepEqual(heads, [
      {
        target: hashHex(next.target),
        name: 'api-heads',
        head: hashHex(entryHash(next)),
        height: 1,
        metric: next.metric,
      },
    ]);
    await app.close();
    await store.close();
  });

  it('answers an unknown route or method with a coded JSON error', async () => {
    const { app, store } = await apiOverStore();
    const missing = await app.inject({ url: '/api/v1/nothing-here' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'not_found');
    const wrongMethod = await app.inject({ method: 'DELETE', url: '/api/v1/node' });
    assert.equal(wrongMethod.statusCode, 404);
    assert.equal(wrongMethod.json().error.code, 'not_found');
    await app.close();
    await store.close();
  });

  it('answers a failure inside a route with 500 internal, without its message', async () => {
    const { store } = await openFreshStore('api');
    const broken: ApiSources = {
      peerId: 'p',
      version: 'v',
      multiaddrs: () => [],
      connections: () => [],
      store: {
        targets: store.targets,
        entries: Object.assign(Object.create(store.entries), {
          heads: async () => {
            throw new Error('secret path /root/.local/share/nightshift');
          },
        }),
      },
    };
    const app = buildApi(broken);
    const response = await app.inject({ url: '/api/v1/heads' });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), { error: { code: 'internal', message: 'internal error' } });
    await app.close();
    await store.close();
  });
});
