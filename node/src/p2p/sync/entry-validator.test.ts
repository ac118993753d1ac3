import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { encodeEntry, encodeSigned, TARGET } from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import { EntryValidator } from './entry-validator.ts';

describe('the entry validator', () => {
  it('gives the same verdicts on a worker thread as on the main thread', async () => {
    const fixture = await makeFixture({ name: 'validator' });
    const genesis = await new ChainBuilder(fixture).genesis();
    const target = encodeSigned(TARGET, fixture.target);
    const good = encodeEntry(genesis);
    const bad = encodeEntry({ ...genesis, metric: genesis.metric + 1 });
    for (const entries of [[good], [bad], [good, good]]) {
      const request = { target, entries, now: Date.now() };
      assert.deepEqual(
        await new EntryValidator(1).validate(request),
        await new EntryValidator(0).validate(request),
      );
    }
  });

  it('keeps the process alive while it works, and lets it exit once idle', () => {
    const module = new URL('./entry-validator.ts', import.meta.url).href;
    const testing = import.meta.resolve('@nightshift/protocol/testing');
    const protocol = import.meta.resolve('@nightshift/protocol');
    const script = `
      const { EntryValidator } = await import(${JSON.stringify(module)});
      const { ChainBuilder, makeFixture } = await import(${JSON.stringify(testing)});
      const { encodeEntry, encodeSigned, TARGET } = await import(${JSON.stringify(protocol)});
      const fixture = await makeFixture();
      const genesis = await new ChainBuilder(fixture).genesis();
      const result = await new EntryValidator(1).validate({
        target: encodeSigned(TARGET, fixture.target), entries: [encodeEntry(genesis)], now: Date.now(),
      });
      console.log(JSON.stringify(result));`;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { valid: 1 });
  });
});
