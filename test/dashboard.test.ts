// The dashboard in a real headless Chromium (Debian's, driven by playwright-core), served by
// a real peer (store on disk, libp2p over TCP): the page loads, the plot and the log show the
// stored chain, an entry gossiped by another peer appears without a reload, a row opens its
// diff, and the console stays clean. The screenshot is kept in test-artifacts/.
import assert from 'node:assert/strict';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeEntry, entryHash, hashHex, shortHash } from '@nightshift/protocol';
import { Store } from '@nightshift/store';
import { freshDataDir } from '@nightshift/store/testing';
import { readApiFile } from '../node/src/api/discovery.ts';
import { seedSwarm } from '../node/src/api/testing.ts';
import { LOOPBACK_SCORING } from '../node/src/p2p/gossip/index.ts';
import { Peer } from '../node/src/peer.ts';
import { ARTIFACTS, launchChromium, requireChromium } from './browser.ts';

const running = new Set<Peer>();
after(async () => {
  await Promise.all([...running].map((peer) => peer.stop()));
});

async function startPeer(dataDir: string, options: { api?: boolean; bootstrap?: string[] } = {}) {
  const peer = await Peer.start({
    dataDir,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: options.bootstrap ?? [],
    mdns: false,
    scoring: LOOPBACK_SCORING,
    ...(options.api && { api: { host: '127.0.0.1', port: 0 } }),
  });
  running.add(peer);
  return peer;
}

async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the dashboard in headless Chromium', () => {
  it('shows the chain, follows a new entry live without a reload, and logs no console error', async (t) => {
    if (!requireChromium(t)) return;

    // Peer a holds a target with a canonical chain g → a1 → a2 and an orphan b1.
    const aDir = await freshDataDir('dashboard-a');
    const seeding = await Store.open(aDir);
    const seeded = await seedSwarm(seeding, 'dashboard');
    await seeding.close();
    const a = await startPeer(aDir, { api: true });
    const url = a.api?.url;
    assert.ok(url, 'peer a serves the API');

    // It says where its API is, and keeps its token to its owner.
    assert.equal((await readApiFile(aDir))?.url, url);
    assert.equal((await stat(join(aDir, 'api-token'))).mode & 0o777, 0o600);
    assert.match(await readFile(join(aDir, 'api-token'), 'utf8'), /^[A-Za-z0-9_-]{43}\n$/);

    const browser = await launchChromium();
    t.after(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (request) => {
      // The event stream is cut when the page closes; anything else failing is a bug.
      if (!request.url().endsWith('/api/v1/events'))
        problems.push(`request failed: ${request.url()}`);
    });

    await page.goto(url);
    await page.waitForSelector('body[data-ready]');
    await page.waitForSelector('[data-testid="live"][data-state="live"]');
    // A marker that a reload would lose.
    await page.evaluate('window.loadedOnce = true');

    const [g, a1, a2] = seeded.canonical.map((entry) => hashHex(entryHash(entry)));
    const orphan = hashHex(entryHash(seeded.orphan));
    assert.equal(await page.textContent('[data-testid="target-name"]'), 'dashboard');
    assert.equal(await page.textContent('[data-testid="head-hash"]'), a2!.slice(0, 12));
    const points = async () =>
      page.$$eval('[data-testid="plot-point"]', (nodes) =>
        nodes.map((n) => ({
          hash: n.getAttribute('data-hash'),
          orphan: n.classList.contains('orphan'),
        })),
      );
    assert.deepEqual(
      (await points()).sort((x, y) => String(x.hash).localeCompare(String(y.hash))),
      [
        { hash: g, orphan: false },
        { hash: a1, orphan: false },
        { hash: a2, orphan: false },
        { hash: orphan, orphan: true },
      ].sort((x, y) => String(x.hash).localeCompare(String(y.hash))),
    );
    assert.equal(await page.locator('[data-testid="log-row"]').count(), 3);
    assert.match(String(await page.textContent('[data-testid="rejections"]')), /not_improvement/);
    assert.match(String(await page.textContent('[data-testid="queue"]')), /a wider context window/);
    assert.equal(await page.locator('[data-testid="leaderboard"] tbody tr').count(), 3);

    // A row opens its diff against its parent.
    await page.click(`[data-testid="log-row"][data-hash="${a1}"]`);
    await page.waitForSelector(`[data-testid="diff"][data-hash="${a1}"] .add`);
    assert.match(
      String(await page.textContent(`[data-testid="diff"][data-hash="${a1}"]`)),
      /\+LAYERS = 3/,
    );

    // Peer b joins over TCP, syncs the log, and gossips a new entry on top of it.
    const b = await startPeer(await freshDataDir('dashboard-b'), { bootstrap: a.multiaddrs() });
    await page.waitForSelector(`[data-testid="peers"] [data-peer="${b.peerId}"]`);
    const target = seeded.fixture.targetId;
    await eventually(
      async () => hashHex((await b.store.entries.head(target))?.head ?? new Uint8Array()) === a2,
      'b synced the log',
    );
    const a2Entry = seeded.canonical[2]!;
    const next = await seeded.chain.extend(a2Entry, entryHash(a2Entry), { metric: 2.2 });
    const nextHash = hashHex(entryHash(next));
    await eventually(async () => {
      await b.gossip.publishEntry(encodeEntry(next));
      return hashHex((await a.store.entries.head(target))?.head ?? new Uint8Array()) === nextHash;
    }, 'a received the new entry');

    await page.waitForSelector(`[data-testid="plot-point"][data-hash="${nextHash}"]`);
    await page.waitForSelector(
      `[data-testid="head-hash"]:text-is("${shortHash(entryHash(next))}")`,
    );
    assert.equal(await page.locator('[data-testid="log-row"]').count(), 4);
    assert.equal(await page.evaluate('window.loadedOnce'), true, 'the page was not reloaded');
    assert.match(String(await page.textContent('[data-testid="activity"]')), /new head/);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    // The same page in the dark scheme, read from the system's preference.
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    assert.notEqual(background, 'rgb(246, 247, 249)', 'the dark scheme changes the background');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-dark.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();

    // A clean stop ends the event streams and removes the API's file.
    await a.stop();
    running.delete(a);
    assert.equal(await readApiFile(aDir), undefined);
  });
});
