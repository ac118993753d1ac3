/**
 * Meta-test: every error code in ERROR_CODES is asserted by some test of protocol/, as the
 * literal pair `'code', 'action'` that assertError and assertThrowsCode take. A new code
 * without a test fails here, naming the code.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES, type ErrorCode } from '../src/index.ts';

/**
 * Codes that no function of protocol/ returns or throws, so no test here can produce them.
 * Each must stay absent from protocol/src (checked below); once protocol/ produces one, it
 * leaves this list and gets a test.
 */
const NOT_PRODUCED_BY_PROTOCOL: Partial<Record<ErrorCode, string>> = {
  // Produced by callers: a node that already stored an object ignores it again.
  duplicate: 'produced by callers (store, gossip)',
  // Produced by callers: the chain auditor compares a stored head with chooseHead's.
  head_not_best: 'produced by callers (auditor), from chooseHead',
};

const here = new URL('./', import.meta.url);
const testFiles = readdirSync(here).filter(
  (f) => f.endsWith('.test.ts') && f !== 'error-coverage.test.ts',
);
const sources = testFiles.map((f) => readFileSync(new URL(f, here), 'utf8')).join('\n');

/** Every `'code', 'reject'` or `'code', 'ignore'` pair in the tests, possibly across lines. */
const asserted = new Map<string, Set<string>>();
for (const [, code, action] of sources.matchAll(/'([a-z0-9_]+)',\s*'(reject|ignore)'/g)) {
  if (!asserted.has(code!)) asserted.set(code!, new Set());
  asserted.get(code!)!.add(action!);
}

function srcFiles(dir: URL): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? srcFiles(new URL(`${d.name}/`, dir))
      : d.name.endsWith('.ts')
        ? [readFileSync(new URL(d.name, dir), 'utf8')]
        : [],
  );
}

describe('error code coverage', () => {
  it('asserts every produced code in ERROR_CODES with its action in some test', () => {
    const missing = Object.keys(ERROR_CODES).filter(
      (code) => !asserted.has(code) && !(code in NOT_PRODUCED_BY_PROTOCOL),
    );
    assert.deepEqual(missing, [], `codes without a test: ${missing.join(', ')}`);
  });

  it('asserts only real codes, each with the action ERROR_CODES gives it', () => {
    for (const [code, actions] of asserted) {
      assert.ok(code in ERROR_CODES, `${code} is not an error code`);
      assert.deepEqual([...actions], [ERROR_CODES[code as ErrorCode]], code);
    }
  });

  it('lists as not produced only codes that protocol/src never uses', () => {
    const src = srcFiles(new URL('../src/', import.meta.url))
      .join('\n')
      .replace(/export const ERROR_CODES = \{[\s\S]*?\} as const/, '');
    for (const code of Object.keys(NOT_PRODUCED_BY_PROTOCOL)) {
      assert.equal(src.includes(`'${code}'`), false, `${code} is produced: test it instead`);
      assert.equal(asserted.has(code), false, `${code} is tested: drop it from the list`);
    }
  });
});
