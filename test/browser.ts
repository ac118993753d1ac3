// Debian's Chromium, driven by playwright-core, for the tests that look at the dashboard.
// Required under CI=true; a machine without it skips those tests with the reason.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Where screenshots are kept (gitignored), for a person to look at after a run. */
export const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');

export function requireChromium(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI'] === 'true') {
    throw new Error(`${CHROMIUM} is required in CI: apt-get install chromium`);
  }
  t.skip(`${CHROMIUM} is not installed: apt-get install chromium`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
