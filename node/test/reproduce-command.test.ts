// `nightshift reproduce` re-runs a stored entry through the real runner under bubblewrap with
// the verifier's seeds and compares the median with the logged metric.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deriveSeed, entryHash, hashHex, seedNumber } from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { addToStore, run, scratch } from '../testing/cli-chain.ts';

// score.py prints one fixed line; train.py does nothing that matters: every run measures 2.5.
const files = {
  'program.md': '# A fixed metric\n',
  'train.py': 'LEARNING_RATE = 0.1\nLAYERS = 2\n',
  'score.py': 'print("bpc 2.5")\n',
  'data/heldout.txt': 'held out\n',
};

/** A data dir whose entry 0 logs `logged`; the harness always measures 2.5. */
async function loggedAt(logged: number, name: string) {
  const fixture = await makeFixture({ name, files, tolerance: 0.02, runs: 3 });
  const chain = new ChainBuilder(fixture);
  const genesis = await chain.genesis(logged);
  const dataDir = await mkdtemp(join(scratch, 'reproduce-'));
  await addToStore(dataDir, fixture, chain, [genesis]);
  return { dataDir, fixture, hash: hashHex(entryHash(genesis)) };
}

describe('nightshift reproduce', { concurrency: true }, () => {
  it('re-runs an entry with the seeds from its parent and says it reproduces (exit 0)', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { dataDir, fixture, hash } = await loggedAt(2.5, 'fixed-metric');
    const result = await run(['reproduce', hash.slice(0, 10), '--json', '--data-dir', dataDir]);
    assert.equal(result.code, 0, result.stdout);
    const report = JSON.parse(result.stdout);
    assert.equal(report.reproduced, true);
    assert.equal(report.median, 2.5);
    assert.equal(report.sandboxed, true);
    assert.deepEqual(
      report.runs.map((r: { seed: number }) => r.seed),
      [0, 1, 2].map((i) => seedNumber(deriveSeed(fixture.targetId, i))),
      'entry 0 runs with seeds from its target id, as its verifiers did',
    );
  });

  it('says it does not reproduce, and exits 1, when the median is outside tolerance', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { dataDir, hash } = await loggedAt(2.6, 'forged-metric');
    const result = await run(['reproduce', hash, '--runs', '1', '--data-dir', dataDir]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /does not reproduce: median 2\.5, logged 2\.6/);
    assert.match(result.stderr, /run 1\/1: 2\.5/);
  });

  it('refuses a hash that is not hex (usage), an unknown entry (not_found) and a bad --runs', async () => {
    const { dataDir } = await loggedAt(2.5, 'errors');
    const notHex = await run(['reproduce', 'xyz!', '--json', '--data-dir', dataDir]);
    assert.equal(notHex.code, 2);
    const unknown = await run(['reproduce', '0000000000', '--json', '--data-dir', dataDir]);
    assert.equal(unknown.code, 5);
    assert.equal(JSON.parse(unknown.stdout).error.code, 'not_found');
    const runs = await run(['reproduce', 'abcd', '--runs', '99', '--json', '--data-dir', dataDir]);
    assert.equal(runs.code, 2);
    assert.equal(JSON.parse(runs.stdout).error.code, 'usage');
  });
});
