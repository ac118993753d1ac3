// Runs main() in-process with a captured context: the contract the bin relies on.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CliContext } from './context.ts';
import { main } from './main.ts';

const scratch = await mkdtemp(join(tmpdir(), 'nightshift-main-'));
after(() => rm(scratch, { recursive: true, force: true }));

function capture(overrides: Partial<CliContext> = {}) {
  const out = { stdout: '', stderr: '' };
  const context: CliContext = {
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    env: {},
    platform: 'linux',
    homedir: join(scratch, 'home'),
    cwd: scratch,
    shutdownSignal: () => new AbortController().signal,
    ...overrides,
  };
  return { context, out };
}

describe('main', () => {
  it('returns 0 and prints the result of a command that succeeds', async () => {
    const { context, out } = capture();
    const code = await main(['init', '--json', '--data-dir', join(scratch, 'ok')], context);
    assert.equal(code, 0);
    assert.equal(JSON.parse(out.stdout).created, true);
    assert.equal(out.stderr, '');
  });

  it('returns the usage exit code instead of throwing on a bad command line', async () => {
    const { context, out } = capture();
    assert.equal(await main(['init', '--no-such-option'], context), 2);
    assert.match(out.stderr, /^nightshift: unknown option '--no-such-option'/);
    assert.equal(out.stdout, '');
  });

  it('prints errors as {"error": {"code", "message"}} on stdout with --json', async () => {
    const { context, out } = capture();
    const empty = join(scratch, 'empty');
    assert.equal(await main(['log', 'tiny-lm', '--json', '--data-dir', empty], context), 4);
    const { error } = JSON.parse(out.stdout);
    assert.deepEqual(Object.keys(error), ['code', 'message']);
    assert.equal(error.code, 'no_store');
  });

  it('does not throw even when its output cannot be written', async () => {
    const broken = () => {
      throw new Error('stdout is closed');
    };
    const { context } = capture({ stdout: broken, stderr: broken });
    const code = await main(['init', '--data-dir', join(scratch, 'broken')], context);
    assert.equal(code, 1);
  });

  it('reports an unexpected error as internal, hiding the stack unless NIGHTSHIFT_DEBUG is set', async () => {
    const fails = () => {
      throw new Error('disk on fire');
    };
    const quiet = capture({ stdout: fails });
    assert.equal(await main(['init', '--data-dir', join(scratch, 'quiet')], quiet.context), 1);
    assert.match(quiet.out.stderr, /internal error: disk on fire/);
    assert.doesNotMatch(quiet.out.stderr, /\n\s+at /);
    const debug = capture({ stdout: fails, env: { NIGHTSHIFT_DEBUG: '1' } });
    assert.equal(await main(['init', '--data-dir', join(scratch, 'debug')], debug.context), 1);
    assert.match(debug.out.stderr, /\n\s+at /);
  });
});
