// A peer that lost its link to a bootstrap peer dials it again: at once when the link drops
// (keep-alive), and on its own timer when the bootstrap peer was down for longer.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { createHost, type Host } from './host.ts';

const hosts: Host[] = [];
after(() => Promise.all(hosts.map((h) => h.stop())));

async function host(privateKey: PrivateKey, listen: string, bootstrap: string[] = []) {
  const h = await createHost({
    privateKey,
    listen: [listen],
    bootstrap,
    mdns: false,
    bootstrapRedialMs: 300,
  });
  hosts.push(h);
  return h;
}

async function until(check: () => boolean, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('bootstrap peers', () => {
  it('are dialled again after the link drops, and after they come back from a restart', async () => {
    const hubKey = await generateKeyPair('Ed25519');
    const hub = await host(hubKey, '/ip4/127.0.0.1/tcp/0');
    const address = hub.getMultiaddrs()[0]!.toString();
    const worker = await host(await generateKeyPair('Ed25519'), '/ip4/127.0.0.1/tcp/0', [address]);
    const linked = () => worker.getConnections(hub.peerId).length > 0;
    // Both ends must hold the link before the hub can hang it up.
    await until(
      () => linked() && hub.getConnections(worker.peerId).length > 0,
      'the worker dials its bootstrap peer',
    );

    // The redial may come before a poll could see the link down: wait for a new connection.
    const first = worker.getConnections(hub.peerId)[0]!.id;
    await hub.hangUp(worker.peerId);
    const relinked = () => worker.getConnections(hub.peerId).some((c) => c.id !== first);
    await until(relinked, 'the worker dials its bootstrap peer again');

    // The hub is down long enough for libp2p's own retries to give up, then comes back.
    const port = address.split('/')[4]!;
    await hub.stop();
    await until(() => !linked(), 'the hub is gone');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const back = await host(hubKey, `/ip4/127.0.0.1/tcp/${port}`);
    assert.equal(back.peerId.toString(), hub.peerId.toString());
    await until(linked, 'the worker finds the restarted hub');
  });
});
