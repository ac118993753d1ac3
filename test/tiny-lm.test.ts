// targets/tiny-lm as the swarm runs it: loaded from its directory into a real store, and run
// through the runner under bubblewrap. Its own Python tests run here too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  blobHash,
  makeTree,
  publicKeyOf,
  signObject,
  TARGET,
  type Tree,
  treeHash,
} from '@nightshift/protocol';
import { testKey } from '@nightshift/protocol/testing';
import { Runner } from '@nightshift/runner';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { openFreshStore } from '@nightshift/store/testing';
import { loadTargetDir, unsignedTarget } from '@nightshift/target-dir';

const TINY_LM = fileURLToPath(new URL('../targets/tiny-lm', import.meta.url));

/** tiny-lm's model.py with some settings changed, as the built-in searcher would write it. */
function withSettings(model: string, settings: Record<string, string>): string {
  let out = model;
  for (const [name, value] of Object.entries(settings)) {
    const line = new RegExp(`^(${name}\\s*=\\s*)\\S+`, 'm');
    assert.match(out, line, `model.py has no ${name} setting`);
    out = out.replace(line, `$1${value}`);
  }
  return out;
}

describe('targets/tiny-lm', () => {
  it('passes its own Python tests', () => {
    const run = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'tests'], {
      cwd: TINY_LM,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
  });

  it('gives the same metric twice for a seed under the runner, and a better one when tuned', async (t) => {
    if (!requireBubblewrap(t)) return;
    const dir = await loadTargetDir(TINY_LM);
    const researcher = await testKey('tiny-lm researcher');
    const target = await signObject(
      TARGET,
      unsignedTarget(dir, {
        author: publicKeyOf(researcher),
        verifiers: [publicKeyOf(researcher)],
        createdAt: Date.now(),
      }),
      researcher,
    );
    const { store } = await openFreshStore('tiny-lm');
    for (const file of dir.files) await store.blobs.put(file.bytes);
    await store.trees.put(dir.tree);
    const runner = new Runner({}, { source: store });

    const baseline = await runner.run({ target, tree: dir.treeHash, seed: 7 });
    const again = await runner.run({ target, tree: dir.treeHash, seed: 7 });
    assert.equal(baseline.outcome.kind, 'ok', JSON.stringify(baseline.logs));
    assert.equal(again.outcome.kind, 'ok');
    if (baseline.outcome.kind !== 'ok' || again.outcome.kind !== 'ok') return;
    assert.equal(again.outcome.metric, baseline.outcome.metric);
    assert.equal(baseline.receipt.sandbox, 'bubblewrap');

    const model = dir.files.find((f) => f.path === 'model.py')!;
    const tuned = new TextEncoder().encode(
      withSettings(new TextDecoder().decode(model.bytes), {
        ORDER: '5',
        SMOOTHING: '"kneser-ney"',
      }),
    );
    await store.blobs.put(tuned);
    const tree: Tree = makeTree(
      dir.tree.files.map((f) =>
        f.path === 'model.py' ? { ...f, blob: blobHash(tuned), size: tuned.length } : f,
      ),
    );
    await store.trees.put(tree);
    const better = await runner.run({ target, tree: treeHash(tree), seed: 7 });
    assert.equal(better.outcome.kind, 'ok', JSON.stringify(better.logs));
    if (better.outcome.kind !== 'ok') return;
    assert.ok(
      better.outcome.metric < baseline.outcome.metric - target.minDelta,
      `${better.outcome.metric} is not below ${baseline.outcome.metric} by minDelta`,
    );
    await store.close();
  });
});
