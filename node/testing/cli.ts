// Runs the real `nightshift` bin as a user would, with a clean environment and fresh
// temporary data dirs; shared by the CLI tests of every package.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

export const bin = fileURLToPath(new URL('../bin/nightshift.js', import.meta.url));
export const scratch = mkdtempSync(join(tmpdir(), 'nightshift-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let dirs = 0;
/** A path for a data dir that does not exist yet. */
export function freshDir(): string {
  dirs += 1;
  return join(scratch, `dir-${dirs}`);
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bin with a clean environment: HOME and XDG_DATA_HOME point into the scratch dir. */
export function nightshift(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const home = join(scratch, 'home');
  const options = {
    cwd: scratch,
    env: { PATH: process.env['PATH'] ?? '', HOME: home, XDG_DATA_HOME: join(home, 'data'), ...env },
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], options, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ status, stdout, stderr });
    });
  });
}

export function peerIdIn(text: string): string {
  const match = /12D3KooW[1-9A-HJ-NP-Za-km-z]+/.exec(text);
  assert.ok(match, `no peer id in: ${text}`);
  return match[0];
}

export function assertNoStackTrace(run: Run): void {
  assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at /, 'a stack trace was printed');
}
