// The runner's guard (run-tests.mjs with test-completion.mjs): a test file that stops part way
// without a failure is named with the tests it never completed; one that completes all of
// its tests, failed and skipped ones included, is not.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** This process's environment less what makes a nested `node --test` act as a test file. */
function outerEnv(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return env;
}

describe('test completion reporter', () => {
  it('names the tests a file queued and never completed, under --test-force-exit as run-tests runs it', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'nightshift-completion-'));
    const out = join(scratch, 'completion.jsonl');
    const fixtures = ['./fixtures/stops-part-way.mjs', './fixtures/runs-to-the-end.mjs'].map(here);
    const run = spawnSync(
      process.execPath,
      [
        '--test',
        '--test-force-exit',
        `--test-reporter=${here('./test-completion.mjs')}`,
        '--test-reporter-destination=stdout',
        ...fixtures,
      ],
      { encoding: 'utf8', env: { ...outerEnv(), NIGHTSHIFT_TEST_COMPLETION: out } },
    );
    // Exactly what lets such a file slip through: the exit alone fails nothing but the test
    // the other fixture fails on purpose.
    assert.equal(run.status, 1, run.stderr);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    rmSync(scratch, { recursive: true, force: true });
    const byFile = new Map(lines.map((l) => [l.file, l.unfinished]));
    assert.deepEqual(byFile.get(fixtures[0]), ['is cut short', 'never starts']);
    assert.deepEqual(byFile.get(fixtures[1]), []);
  });
});
