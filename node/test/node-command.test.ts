// `nightshift node` as a user runs it: a real process on real TCP, stopped by a signal.
import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import { describe, it } from 'node:test';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { freshDir, nightshift, startNightshift } from '../testing/cli.ts';

const LOOPBACK = '/ip4/127.0.0.1/tcp/0';

function startNode(dataDir: string, ...extra: string[]) {
  return startNightshift([
    'node',
    '--json',
    '--no-mdns',
    '--data-dir',
    dataDir,
    '--listen',
    LOOPBACK,
    ...extra,
  ]);
}

describe('nightshift node', { concurrency: true }, () => {
  it('prints its peer id and addresses, and exits 0 on SIGTERM and on SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const node = startNode(freshDir());
      const started = await node.next((e) => e['event'] === 'started');
      assert.match(String(started['peerId']), /^12D3KooW/);
      const listen = started['listen'] as string[];
      assert.ok(listen.length > 0);
      for (const address of listen) {
        assert.match(
          address,
          new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${started['peerId']}$`),
        );
      }
      const began = Date.now();
      assert.equal(await node.stop(signal), 0, node.stderr());
      assert.ok(Date.now() - began < 5000, 'stopping took more than 5 s');
    }
  });

  it('keeps its identity across restarts, the same as nightshift init reports', async () => {
    const dataDir = freshDir();
    const first = startNode(dataDir);
    const { peerId } = await first.next((e) => e['event'] === 'started');
    assert.equal(await first.stop(), 0);
    const second = startNode(dataDir);
    assert.equal((await second.next((e) => e['event'] === 'started'))['peerId'], peerId);
    assert.equal(await second.stop(), 0);
    const init = JSON.parse((await nightshift(['init', '--json', '--data-dir', dataDir])).stdout);
    assert.equal(init.peerId, peerId);
  });

  it('connects to a bootstrap peer, and both report the connection', async () => {
    const a = startNode(freshDir());
    const started = await a.next((e) => e['event'] === 'started');
    const address = (started['listen'] as string[])[0]!;
    const b = startNode(freshDir(), '--bootstrap', address);
    const bStarted = await b.next((e) => e['event'] === 'started');
    await b.next((e) => e['event'] === 'peer:connect' && e['peerId'] === started['peerId']);
    await a.next((e) => e['event'] === 'peer:connect' && e['peerId'] === bStarted['peerId']);
    assert.equal(await b.stop(), 0);
    assert.equal(await a.stop(), 0);
  });

  it('serves the HTTP API where --api says, and stops it with the node', async () => {
    const node = startNode(freshDir(), '--api', '127.0.0.1:0');
    const started = await node.next((e) => e['event'] === 'started');
    const api = String(started['api']);
    assert.match(api, /^http:\/\/127\.0\.0\.1:\d+$/);
    const described = (await (await fetch(`${api}/api/v1/node`)).json()) as {
      peerId: string;
      addresses: string[];
    };
    assert.equal(described.peerId, started['peerId']);
    assert.deepEqual(described.addresses, started['listen']);
    assert.deepEqual(await (await fetch(`${api}/api/v1/heads`)).json(), { heads: [] });
    assert.equal(await node.stop(), 0, node.stderr());
    await assert.rejects(fetch(`${api}/api/v1/node`));
  });

  it('refuses an API address that another process holds, with address_unavailable', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    const run = await nightshift([
      'node',
      '--json',
      '--no-mdns',
      '--data-dir',
      freshDir(),
      '--listen',
      LOOPBACK,
      '--api',
      `127.0.0.1:${port}`,
    ]);
    holder.close();
    assert.equal(run.status, 4, run.stdout + run.stderr);
    assert.equal(JSON.parse(run.stdout).error.code, 'address_unavailable');
  });

  it('refuses a bad listen, bootstrap or API address with a usage error', async () => {
    for (const args of [
      ['--listen', 'not-an-address'],
      ['--listen', '/ip4/127.0.0.1/udp/9'],
      ['--bootstrap', '/ip4/127.0.0.1/tcp/9521'],
      ['--api', '127.0.0.1'],
      ['--api', '127.0.0.1:70000'],
      ['--api', 'bad host:80'],
    ]) {
      const run = await nightshift([
        'node',
        '--json',
        '--no-mdns',
        '--data-dir',
        freshDir(),
        ...args,
      ]);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stdout}`);
      assert.equal(JSON.parse(run.stdout).error.code, 'usage');
    }
  });

  it('refuses to run a second node on a data dir that a running node holds', async () => {
    const dataDir = freshDir();
    const first = startNode(dataDir);
    await first.next((e) => e['event'] === 'started');
    const second = await nightshift([
      'node',
      '--json',
      '--no-mdns',
      '--data-dir',
      dataDir,
      '--listen',
      LOOPBACK,
    ]);
    assert.equal(second.status, 4);
    assert.equal(JSON.parse(second.stdout).error.code, 'store_locked');
    assert.equal(await first.stop(), 0);
  });

  it('runs as a verifier with nightshift verify (bubblewrap present), and stops on SIGTERM', async (t) => {
    if (!requireBubblewrap(t)) return;
    const verifier = startNightshift([
      'verify',
      '--json',
      '--no-mdns',
      '--data-dir',
      freshDir(),
      '--listen',
      LOOPBACK,
    ]);
    const started = await verifier.next((e) => e['event'] === 'started');
    assert.match(String(started['peerId']), /^12D3KooW/);
    assert.equal(await verifier.stop(), 0, verifier.stderr());
  });
});
