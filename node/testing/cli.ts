// Runs the real `nightshift` bin as a user would, with a clean environment and fresh
// temporary data dirs; shared by the CLI tests of every package.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

export const bin = fileURLToPath(new URL('../bin/nightshift.js', import.meta.url));
export const scratch = mkdtempSync(join(tmpdir(), 'nightshift-cli-'));
/** Children still running when their test file ends (a test failed before stopping them). */
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

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

/** A clean environment: HOME and XDG_DATA_HOME point into the scratch dir. */
function runOptions(env: Record<string, string>) {
  const home = join(scratch, 'home');
  return {
    cwd: scratch,
    env: { PATH: process.env['PATH'] ?? '', HOME: home, XDG_DATA_HOME: join(home, 'data'), ...env },
  };
}

/** Runs the bin to completion. */
export function nightshift(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const options = runOptions(env);
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

/** A long-running command (`nightshift node --json`), read one JSON line at a time. */
export interface Running {
  child: ChildProcess;
  /** The next JSON line on stdout that satisfies `match`, waiting at most `timeoutMs` (a guard
   *  against a hang, generous because a loaded CI machine starts a node slowly). */
  next(
    match: (event: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  stderr(): string;
}

export function startNightshift(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [bin, ...args], { ...runOptions(env), stdio: 'pipe' });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const events: Record<string, unknown>[] = [];
  let waiters: (() => void)[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    events.push(JSON.parse(line));
    for (const wake of waiters) wake();
    waiters = [];
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    async next(match, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = events.findIndex(match);
        if (index >= 0) return events.splice(index, 1)[0]!;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no matching event; stderr: ${stderr}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
    stderr: () => stderr,
  };
}
