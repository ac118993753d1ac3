// The one-command demo end to end, as a new user runs it: `nightshift demo` (what `npm start`
// runs) for a bounded time; the chain grows past the baseline, the dashboard and the API show
// the same head while it runs, and afterwards `audit` passes on the hub's log, `export-git`
// writes one commit per entry and `log` lists the same chain.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freshDir, nightshift, startNightshift } from '@nightshift/node/testing';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { openDashboard } from './dashboard-page.ts';

describe('nightshift demo', { timeout: 400_000 }, () => {
  it('grows a chain that audits, exports to git and shows one head in the API and the dashboard', async (t) => {
    if (!requireBubblewrap(t)) return;
    const dataDir = freshDir();
    const demo = startNightshift([
      'demo',
      '--json',
      '--data-dir',
      dataDir,
      '--api',
      '127.0.0.1:0',
      '--workers',
      '2',
      '--duration',
      '300',
    ]);
    const started = await demo.next(
      (e) => e['source'] === 'hub' && e['event'] === 'started',
      60_000,
    );
    const dashboard = String(started['dashboard']);
    assert.match(dashboard, /^http:\/\/127\.0\.0\.1:\d+$/);
    // The dashboard, opened before the log has an entry, shows each entry as the hub's
    // verifier makes it, without a reload.
    const page = await openDashboard(t, dashboard);
    const genesis = await demo.next((e) => e['event'] === 'entry' && e['height'] === 0, 120_000);
    if (page) {
      const shown = await page.waitForHead((hash) => hash !== '', 30_000);
      assert.ok(shown, 'the dashboard did not show entry 0 without a reload');
    }
    const grown = await demo.next(
      (e) => e['event'] === 'entry' && Number(e['height']) >= 1,
      240_000,
    );
    assert.ok(
      Number(grown['metric']) < Number(genesis['metric']),
      'an accepted entry improves on the baseline',
    );
    if (page) {
      const moved = await page.waitForHead(
        (hash) => hash !== '' && hash !== genesis['hash'],
        30_000,
      );
      assert.ok(moved, 'the dashboard did not show the new entry without a reload');
    }

    // The API and the dashboard agree on the head (read until the swarm holds still between reads).
    const apiHead = async () => {
      const { heads } = (await (await fetch(`${dashboard}/api/v1/heads`)).json()) as {
        heads: { head: string; name: string }[];
      };
      return heads.find((h) => h.name === 'tiny-lm')!.head;
    };
    if (page) {
      let agreed = false;
      for (let attempt = 0; attempt < 5 && !agreed; attempt++) {
        const before = await apiHead();
        agreed =
          (await page.waitForHead((hash) => hash === before, 15_000)) &&
          (await apiHead()) === before;
      }
      assert.ok(agreed, 'the dashboard and the API showed different heads');
      await page.close('demo');
    }

    assert.equal(await demo.stop('SIGINT'), 0, demo.stderr());
    const hub = join(dataDir, 'demo', 'hub');
    const audit = await nightshift(['audit', '--json', '--data-dir', hub]);
    assert.equal(audit.status, 0, audit.stdout + audit.stderr);

    const log = await nightshift(['log', 'tiny-lm', '--json', '--data-dir', hub]);
    assert.equal(log.status, 0, log.stderr);
    const entries = JSON.parse(log.stdout) as { height: number; hash: string }[];
    assert.ok(entries.length >= 2, 'the log holds the baseline and at least one improvement');

    const repo = join(freshDir(), 'tiny-lm.git');
    const exported = await nightshift(['export-git', 'tiny-lm', repo, '--data-dir', hub]);
    assert.equal(exported.status, 0, exported.stdout + exported.stderr);
    const commits = execFileSync('git', ['-C', repo, 'rev-list', '--count', 'HEAD'], {
      encoding: 'utf8',
    });
    assert.equal(Number(commits.trim()), entries.length, 'one commit per entry of the chain');
  });
});
