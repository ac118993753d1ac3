// The HTTP API over a real store, driven with app.inject(): no socket.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeSigned, entryHash, hashHex, signObject, TARGET } from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import type { JournalRecord } from '@nightshift/store';
import { openFreshStore } from '@nightshift/store/testing';
import { NodeEventBus } from '../events/node-events.ts';
import { buildApi } from './app.ts';
import type { ApiSources, WorkerControl, WorkerState } from './sources.ts';
import { seedSwarm } from './testing.ts';

const TOKEN = 'test-token-0123456789';

async function apiOverStore(extra: Partial<ApiSources> = {}) {
  const { store } = await openFreshStore('api');
  const events = new NodeEventBus();
  const sources: ApiSources = {
    peerId: '12D3KooWTest',
    version: '9.9.9',
    multiaddrs: () => ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWTest'],
    connections: () => [{ peerId: '12D3KooWOther', address: '/ip4/127.0.0.1/tcp/4002' }],
    store,
    events,
    token: TOKEN,
    ...extra,
  };
  const app = buildApi(sources, { heartbeatMs: 50 });
  const close = async () => {
    await app.close();
    await store.close();
  };
  return { app, store, sources, events, close };
}

/** A worker stand-in that records what the API asked of it. */
function fakeWorker(journal: JournalRecord[] = []) {
  const state: WorkerState = {
    target: 'ab'.repeat(32),
    name: 'tiny',
    status: 'running',
    experiments: journal.length,
    best: 2.3,
  };
  const worker: WorkerControl = {
    state: () => ({ ...state }),
    pause: () => {
      state.status = 'paused';
    },
    resume: () => {
      state.status = 'running';
    },
    journal: async () => journal,
  };
  return worker;
}

describe('HTTP API', () => {
  it('describes the node: peer id, version, addresses and connected peers', async () => {
    const { app, close } = await apiOverStore();
    const response = await app.inject({ method: 'GET', url: '/api/v1/node' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.deepEqual(response.json(), {
      peerId: '12D3KooWTest',
      version: '9.9.9',
      addresses: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWTest'],
      peers: [{ peerId: '12D3KooWOther', address: '/ip4/127.0.0.1/tcp/4002' }],
    });
    await close();
  });

  it('lists the canonical head of every stored target, and follows it as the log grows', async () => {
    const { app, store, close } = await apiOverStore();
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
    await close();
  });

  it('lists targets with their heads, and shows one by name, id or id prefix', async () => {
    const { app, store, close } = await apiOverStore();
    const seeded = await seedSwarm(store, 'api-targets');
    const id = hashHex(seeded.fixture.targetId);
    const head = hashHex(entryHash(seeded.canonical.at(-1)!));

    const { targets } = (await app.inject({ url: '/api/v1/targets' })).json();
    assert.equal(targets.length, 1);
    assert.equal(targets[0].id, id);
    assert.equal(targets[0].name, 'api-targets');
    assert.deepEqual(targets[0].head, { hash: head, height: 2, metric: 2.3 });
    assert.equal(targets[0].entries, 4);

    for (const name of ['api-targets', id, id.slice(0, 8)]) {
      const response = await app.inject({ url: `/api/v1/targets/${name}` });
      assert.equal(response.statusCode, 200, name);
      const target = response.json();
      assert.equal(target.id, id);
      assert.deepEqual(target.mutablePaths, ['train.py']);
      assert.equal(target.quorum, 2);
      assert.equal(target.verifiers.length, 3);
      assert.deepEqual(target.run, ['python3', 'train.py']);
    }
    await close();
  });

  it('answers 404 not_found for a target it does not store, on every target route', async () => {
    const { app, store, close } = await apiOverStore();
    await seedSwarm(store, 'api-404');
    for (const suffix of ['', '/chain', '/candidates', '/attestations', '/leaderboard']) {
      const response = await app.inject({ url: `/api/v1/targets/nothing-like-it${suffix}` });
      assert.equal(response.statusCode, 404, suffix);
      assert.equal(response.json().error.code, 'not_found');
    }
    const entry = await app.inject({ url: `/api/v1/entries/${'0'.repeat(64)}` });
    assert.equal(entry.statusCode, 404);
    assert.equal(entry.json().error.code, 'not_found');
    await close();
  });

  it('answers 400 bad_request to malformed parameters', async () => {
    const { app, store, close } = await apiOverStore();
    await seedSwarm(store, 'api-400');
    const bad = [
      '/api/v1/entries/not-a-hash',
      '/api/v1/entries/ABCDEF',
      '/api/v1/targets/api-400/chain?limit=0',
      '/api/v1/targets/api-400/chain?from=-1',
      '/api/v1/targets/api-400/candidates?status=maybe',
      '/api/v1/targets/api-400/attestations?limit=5000',
      `/api/v1/targets/${'x'.repeat(65)}`,
    ];
    for (const url of bad) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.json().error.code, 'bad_request', url);
    }
    await close();
  });

  it('shows the canonical chain with each change, and the orphaned entries apart', async () => {
    const { app, store, close } = await apiOverStore();
    const seeded = await seedSwarm(store, 'api-chain');
    const response = await app.inject({ url: '/api/v1/targets/api-chain/chain' });
    assert.equal(response.statusCode, 200);
    const chain = response.json();
    assert.equal(chain.head, hashHex(entryHash(seeded.canonical.at(-1)!)));
    assert.equal(chain.direction, 'minimize');
    assert.equal(chain.length, 3);
    assert.deepEqual(
      chain.canonical.map((row: { hash: string }) => row.hash),
      seeded.canonical.map((entry) => hashHex(entryHash(entry))),
    );
    const [g, a1] = chain.canonical;
    assert.equal(g.change, null);
    assert.equal(g.parent, null);
    assert.ok(Math.abs(a1.change - -0.1) < 1e-9);
    assert.equal(a1.improved, true);
    assert.equal(a1.description, 'fewer layers, higher learning rate');
    assert.equal(a1.verifiers.length, 2);
    assert.deepEqual(a1.effort, { experiments: 40, seconds: 1200 });
    assert.match(a1.author.peerId, /^12D3KooW/);
    assert.equal(chain.orphans.length, 1);
    assert.equal(chain.orphans[0].hash, hashHex(entryHash(seeded.orphan)));
    assert.equal(chain.orphans[0].canonical, false);

    const page = (
      await app.inject({ url: '/api/v1/targets/api-chain/chain?from=1&limit=1' })
    ).json();
    assert.deepEqual(
      page.canonical.map((row: { height: number }) => row.height),
      [1],
    );
    await close();
  });

  it('shows one entry with its attestations and a unified diff against its parent', async () => {
    const { app, store, close } = await apiOverStore();
    const seeded = await seedSwarm(store, 'api-entry');
    const a1 = seeded.canonical[1]!;
    const response = await app.inject({ url: `/api/v1/entries/${hashHex(entryHash(a1))}` });
    assert.equal(response.statusCode, 200);
    const detail = response.json();
    assert.equal(detail.entry.height, 1);
    assert.equal(detail.entry.canonical, true);
    assert.equal(detail.attestations.length, 2);
    assert.equal(detail.attestations[0].verdict, 'accept');
    assert.deepEqual(detail.diff.missingTrees, []);
    assert.equal(detail.diff.files.length, 1);
    const [file] = detail.diff.files;
    assert.equal(file.path, 'train.py');
    assert.equal(file.status, 'changed');
    assert.match(file.diff, /^-LAYERS = 2$/m);
    assert.match(file.diff, /^\+LAYERS = 3$/m);
    await close();
  });

  it('lists candidates with their status and reason, filtered by status', async () => {
    const { app, store, close } = await apiOverStore();
    const seeded = await seedSwarm(store, 'api-candidates');
    const all = (await app.inject({ url: '/api/v1/targets/api-candidates/candidates' })).json();
    assert.equal(all.candidates.length, 6);
    const rejected = (
      await app.inject({ url: '/api/v1/targets/api-candidates/candidates?status=rejected' })
    ).json();
    assert.deepEqual(
      rejected.candidates.map((c: { id: string; reason: string }) => [c.id, c.reason]),
      [[seeded.rejectedId, 'not_improvement']],
    );
    const pending = (
      await app.inject({ url: '/api/v1/targets/api-candidates/candidates?status=pending' })
    ).json();
    assert.equal(pending.candidates[0].id, seeded.pendingId);
    assert.equal(pending.candidates[0].description, 'a wider context window');
    assert.equal(pending.candidates[0].claim, 2.2);
    await close();
  });

  it('lists the attestations of a target, newest first', async () => {
    const { app, store, close } = await apiOverStore();
    await seedSwarm(store, 'api-attestations');
    const { attestations } = (
      await app.inject({ url: '/api/v1/targets/api-attestations/attestations' })
    ).json();
    assert.equal(attestations.length, 8);
    const times = attestations.map((a: { createdAt: number }) => a.createdAt);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    const limited = (
      await app.inject({ url: '/api/v1/targets/api-attestations/attestations?limit=3' })
    ).json();
    assert.equal(limited.attestations.length, 3);
    await close();
  });

  it('ranks contributors by verified improvements, then by verified compute', async () => {
    const { app, store, close } = await apiOverStore();
    const seeded = await seedSwarm(store, 'api-board');
    const { contributors } = (
      await app.inject({ url: '/api/v1/targets/api-board/leaderboard' })
    ).json();
    const key = (i: number) => hashHex(seeded.fixture.workers[i]!.publicKey.raw);
    // worker 0: a1 (canonical) and b1 (orphaned); worker 1: a2; the researcher: the baseline.
    assert.deepEqual(
      contributors.map((c: { author: { key: string }; improvements: number; compute: number }) => [
        c.author.key,
        c.improvements,
        c.compute,
      ]),
      [
        [key(0), 1, 2400],
        [key(1), 1, 1200],
        [hashHex(seeded.fixture.researcher.publicKey.raw), 0, 1200],
      ],
    );
    assert.equal(contributors[1].best, 2.3);
    await close();
  });

  it('lists connected peers and the reputation of the authors it has seen', async () => {
    const { app, store, close } = await apiOverStore();
    const seeded = await seedSwarm(store, 'api-peers');
    const worker = seeded.fixture.workers[0]!.publicKey.raw;
    await store.reputation.recordVerified(worker, 1_800_000_000_000);
    const { peers } = (await app.inject({ url: '/api/v1/peers' })).json();
    assert.deepEqual(peers, [{ peerId: '12D3KooWOther', address: '/ip4/127.0.0.1/tcp/4002' }]);
    const { authors } = (await app.inject({ url: '/api/v1/reputation' })).json();
    assert.equal(authors.length, 3);
    assert.equal(authors[0].author.key, hashHex(worker));
    assert.equal(authors[0].verified, 1);
    await close();
  });

  it('shows the local worker and its journal, or null when the node runs none', async () => {
    const none = await apiOverStore();
    assert.deepEqual((await none.app.inject({ url: '/api/v1/worker' })).json(), {
      worker: null,
      journal: [],
    });
    await none.close();

    const journal: JournalRecord[] = [1, 2, 3].map((n) => ({
      n,
      tree: 'cd'.repeat(32),
      parent: 'ef'.repeat(32),
      status: 'discard',
      reason: 'ok',
      metric: 2.4,
      seconds: 3,
      description: `try ${n}`,
      at: 1_800_000_000_000 + n,
    }));
    const { app, close } = await apiOverStore({ worker: fakeWorker(journal) });
    const shown = (await app.inject({ url: '/api/v1/worker?limit=2' })).json();
    assert.equal(shown.worker.status, 'running');
    assert.deepEqual(
      shown.journal.map((r: JournalRecord) => r.n),
      [3, 2],
    );
    await close();
  });

  it('pauses and resumes the worker only with the node token: 401 without, 403 with another', async () => {
    const { app, close } = await apiOverStore({ worker: fakeWorker() });
    const missing = await app.inject({ method: 'POST', url: '/api/v1/worker/pause' });
    assert.equal(missing.statusCode, 401);
    assert.equal(missing.json().error.code, 'unauthorized');
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/worker/pause',
      headers: { authorization: 'Bearer not-the-token' },
    });
    assert.equal(wrong.statusCode, 403);
    assert.equal(wrong.json().error.code, 'forbidden');
    const basic = await app.inject({
      method: 'POST',
      url: '/api/v1/worker/pause',
      headers: { authorization: `Basic ${TOKEN}` },
    });
    assert.equal(basic.statusCode, 401);
    assert.equal((await app.inject({ url: '/api/v1/worker' })).json().worker.status, 'running');

    const auth = { authorization: `Bearer ${TOKEN}` };
    const paused = await app.inject({ method: 'POST', url: '/api/v1/worker/pause', headers: auth });
    assert.equal(paused.statusCode, 200);
    assert.equal(paused.json().worker.status, 'paused');
    const resumed = await app.inject({
      method: 'POST',
      url: '/api/v1/worker/resume',
      headers: auth,
    });
    assert.equal(resumed.json().worker.status, 'running');
    await close();
  });

  it('answers no_worker to a pause on a node without a worker, and refuses all writes without a token set', async () => {
    const { app, close } = await apiOverStore();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/worker/pause',
      headers: auth,
    });
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().error.code, 'no_worker');
    await close();

    const tokenless = await apiOverStore({ token: undefined, worker: fakeWorker() });
    const refused = await tokenless.app.inject({
      method: 'POST',
      url: '/api/v1/worker/resume',
      headers: { authorization: 'Bearer anything' },
    });
    assert.equal(refused.statusCode, 403);
    await tokenless.close();
  });

  it('accepts a signed target and hands its bytes to the gossip path; refuses a bad one with the protocol reason', async () => {
    const submitted: Uint8Array[] = [];
    const { app, store, close } = await apiOverStore({
      submitTarget: async (bytes) => {
        submitted.push(bytes);
        const { validateGossipTarget } = await import('../p2p/gossip/validation/target.ts');
        const { id } = await validateGossipTarget({ store, now: () => Date.now() } as never, bytes);
        return { id, stored: true, recipients: 0 };
      },
    });
    const fixture = await makeFixture({ name: 'api-submit' });
    const bytes = encodeSigned(TARGET, fixture.target);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/targets',
      payload: { target: Buffer.from(bytes).toString('base64') },
    });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { id: hashHex(fixture.targetId), stored: true, recipients: 0 });
    assert.ok(await store.targets.has(fixture.targetId));

    // Signed by someone else than its author: the signature is the authority.
    const forged = await signObject(
      TARGET,
      { ...fixture.target, name: 'forged' },
      fixture.workers[0]!,
    );
    const refused = await app.inject({
      method: 'POST',
      url: '/api/v1/targets',
      payload: { target: Buffer.from(encodeSigned(TARGET, forged)).toString('base64') },
    });
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().error.code, 'rejected');
    assert.equal(refused.json().error.reason, 'bad_signature');

    for (const payload of [{}, { target: 'not base64!' }, { target: 'AAAA', extra: 1 }]) {
      const response = await app.inject({ method: 'POST', url: '/api/v1/targets', payload });
      assert.equal(
        response.statusCode,
        payload.target === 'AAAA' ? 422 : 400,
        JSON.stringify(payload),
      );
    }
    assert.equal(submitted.length, 3);
    await close();
  });

  it('streams events as server-sent events with heartbeats, and ends the stream when the node stops', async () => {
    const { app, events, close } = await apiOverStore();
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${address}/api/v1/events`);
    assert.equal(response.status, 200);
    assert.match(String(response.headers.get('content-type')), /^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) return false;
        text += decoder.decode(value, { stream: true });
      }
      return true;
    };
    assert.ok(await readUntil(/: connected\n\n/));
    events.publish({ type: 'peer:connect', peerId: '12D3KooWNew' });
    assert.ok(await readUntil(/event: peer:connect\n/));
    const data = /event: peer:connect\ndata: (.*)\n\n/.exec(text)?.[1];
    assert.ok(data, text);
    const event = JSON.parse(data);
    assert.equal(event.type, 'peer:connect');
    assert.equal(event.peerId, '12D3KooWNew');
    assert.equal(event.seq, 1);
    assert.match(text, /^id: 1$/m);
    assert.ok(await readUntil(/: heartbeat\n\n/));

    events.close();
    // The stream ends: the reader sees its end rather than waiting forever.
    assert.equal(await readUntil(/never/), false);
    await close();
  });

  it('serves the dashboard page and its files, with a strict content security policy', async () => {
    const { app, close } = await apiOverStore();
    const page = await app.inject({ url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<script type="module" src="\/dashboard\/app.js">/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    const script = await app.inject({ url: '/dashboard/app.js' });
    assert.equal(script.statusCode, 200);
    assert.match(String(script.headers['content-type']), /^text\/javascript/);
    const missing = await app.inject({ url: '/dashboard/..%2Fpeer.ts' });
    assert.equal(missing.statusCode, 404);
    await close();
  });

  it('answers an unknown route or method with a coded JSON error', async () => {
    const { app, close } = await apiOverStore();
    const missing = await app.inject({ url: '/api/v1/nothing-here' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'not_found');
    const wrongMethod = await app.inject({ method: 'DELETE', url: '/api/v1/node' });
    assert.equal(wrongMethod.statusCode, 404);
    assert.equal(wrongMethod.json().error.code, 'not_found');
    await close();
  });

  it('answers a failure inside a route with 500 internal, without its message', async () => {
    const { store, close } = await apiOverStore();
    const broken: ApiSources = {
      peerId: 'p',
      version: 'v',
      multiaddrs: () => [],
      connections: () => [],
      store: Object.assign(Object.create(store), {
        entries: Object.assign(Object.create(store.entries), {
          heads: async () => {
            throw new Error('secret path /root/.local/share/nightshift');
          },
        }),
      }),
    };
    const app = buildApi(broken);
    const response = await app.inject({ url: '/api/v1/heads' });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), { error: { code: 'internal', message: 'internal error' } });
    await app.close();
    await close();
  });
});
