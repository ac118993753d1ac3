// The head a dashboard shows, read in Chromium as a person would see it: the page loads,
// the head's link carries its full hash, and nothing is logged as an error.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ARTIFACTS, launchChromium, requireChromium } from './browser.ts';

/** The full hash of the head the dashboard at `url` shows; undefined when skipped. */
export async function dashboardHead(t: TestContext, url: string): Promise<string | undefined> {
  if (!requireChromium(t)) return undefined;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${url}/`);
    const head = page.locator('[data-testid="head-hash"]');
    await head.and(page.locator('[data-hash]:not([data-hash=""])')).waitFor({ timeout: 20_000 });
    const hash = await head.getAttribute('data-hash');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'demo.png'), fullPage: true });
    assert.deepEqual(errors, [], 'the dashboard logged errors');
    return hash ?? undefined;
  } finally {
    await browser.close();
  }
}
