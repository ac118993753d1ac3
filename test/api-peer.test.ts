// The HTTP API of a real peer over HTTP: a signed target POSTed to it is stored and
// published through gossip, and the event stream tells a listener; writes take the token the
// peer wrote to its data directory.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeSigned, hashHex, TARGET } from '@nightshift/protocol';
import { makeFixture } from '@nightshift/protocol/testing';
import { freshDataDir } from '@nightshift/store/testing';
import { LOOPBACK_SCORING } from '../node/src/p2p/gossip/index.ts';
import { Peer } from '../node/src/peer.ts';

const running = new Set<Peer>();
after(async () => {
  await Promise.all([...running].map((peer) => peer.stop()));
});

describe('the HTTP API of a running peer', () => {
  it('stores and announces a submitted target, and takes writes only with its token', async () => {
    const dataDir = await freshDataDir('api-peer');
    const peer = await Peer.start({
      dataDir,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: [],
      mdns: false,
      scoring: LOOPBACK_SCORING,
      api: { host: '127.0.0.1', port: 0 },
    });
    running.add(peer);
    const url = peer.api!.url!;

    // Listen to the event stream before submitting.
    const stream = await fetch(`${url}/api/v1/events`);
    const reader = stream.body!.getReader();
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
    assert.ok(await readUntil(/: connected/));

    const fixture = await makeFixture({ name: 'api-peer' });
    const submitted = await fetch(`${url}/api/v1/targets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        target: Buffer.from(encodeSigned(TARGET, fixture.target)).toString('base64'),
      }),
    });
    assert.equal(submitted.status, 200);
    const id = hashHex(fixture.targetId);
    assert.equal(((await submitted.json()) as { id: string }).id, id);
    assert.ok(await peer.store.targets.has(fixture.targetId));
    assert.ok(peer.gossip.followedTargets().includes(id), 'the peer follows its topics');
    assert.ok(await readUntil(/event: target\n/));
    assert.match(text, new RegExp(`"target":"${id}","name":"api-peer"`));
    const listed = (await (await fetch(`${url}/api/v1/targets/api-peer`)).json()) as {
      id: string;
      head: unknown;
    };
    assert.equal(listed.id, id);
    assert.equal(listed.head, null);

    // This node runs no worker: with its token, the answer says so; without, it is refused.
    const token = (await readFile(join(dataDir, 'api-token'), 'utf8')).trim();
    const pause = (authorization?: string) =>
      fetch(`${url}/api/v1/worker/pause`, {
        method: 'POST',
        ...(authorization && { headers: { authorization } }),
      });
    assert.equal((await pause()).status, 401);
    assert.equal((await pause('Bearer wrong')).status, 403);
    const noWorker = await pause(`Bearer ${token}`);
    assert.equal(noWorker.status, 409);
    assert.equal(((await noWorker.json()) as { error: { code: string } }).error.code, 'no_worker');

    // Stopping the peer ends the stream.
    await peer.stop();
    running.delete(peer);
    assert.equal(await readUntil(/never/), false);
  });
});
