// A dashboard as a person sees it, in Chromium: the head its page shows (the head link carries
// the full hash in data-hash), followed live without a reload; no error may be logged meanwhile.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ARTIFACTS, launchChromium, requireChromium } from './browser.ts';

export interface DashboardPage {
  /** The full hash of the head shown now; empty while the page shows none. */
  head(): Promise<string>;
  /** Waits, without reloading, until the head shown satisfies `check`; false on timeout. */
  waitForHead(check: (hash: string) => boolean, timeoutMs: number): Promise<boolean>;
  /** Keeps a screenshot as `<name>.png`, checks that nothing was logged as an error, closes. */
  close(name: string): Promise<void>;
}

/** The dashboard at `url` in a fresh browser; undefined when Chromium is absent (skipped). */
export async function openDashboard(
  t: TestContext,
  url: string,
): Promise<DashboardPage | undefined> {
  if (!requireChromium(t)) return undefined;
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${url}/`);
  const link = page.locator('[data-testid="head-hash"]');
  // Loaded once it follows the event stream; the head may come later (a log still empty).
  await page.locator('[data-testid="live"][data-state="live"]').waitFor({ timeout: 20_000 });
  const head = async () => (await link.getAttribute('data-hash')) ?? '';
  return {
    head,
    async waitForHead(check, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!check(await head())) {
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return true;
    },
    async close(name) {
      try {
        await mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
        assert.deepEqual(errors, [], 'the dashboard logged errors');
      } finally {
        await browser.close();
      }
    },
  };
}
