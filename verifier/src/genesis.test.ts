// Entry 0: a new target's baseline, committed and revealed by its researcher, verified like
// any candidate (no parent to beat) and made the first entry by the verifier service.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CANDIDATE,
  COMMITMENT,
  commitmentValue,
  deriveSeed,
  idOf,
  publicKeyOf,
  signObject,
  ZERO_HASH,
} from '@nightshift/protocol';
import { makeFixture, testSeed } from '@nightshift/protocol/testing';
import { Runner } from '@nightshift/runner';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { openFreshStore } from '@nightshift/store/testing';
import { tinyLmFixtureOptions } from '@nightshift/target-dir/testing';
import { type VerifierEvent, VerifierService } from './service.ts';

/** A new tiny-lm target, its researcher's baseline claim, and a verifier service to make entry 0. */
async function genesisRun(failFirstRuns: number) {
  const fixture = await makeFixture({
    ...(await tinyLmFixtureOptions({ revealDelayMs: 100 })),
    verifierCount: 1,
    quorum: 1,
  });
  const { store } = await openFreshStore('genesis');
  await store.targets.put(fixture.target);
  await store.trees.put(fixture.tree);
  for (const bytes of fixture.blobs.values()) await store.blobs.put(bytes);
  const runner = new Runner({}, { source: store });
  let calls = 0;
  const flaky = {
    run: (request: Parameters<Runner['run']>[0]) => {
      calls += 1;
      if (calls <= failFirstRuns) throw new Error('the runner broke');
      return runner.run(request);
    },
  };

  // The researcher measures the baseline with the seed of entry 0 and claims it.
  const measured = await runner.run({
    target: fixture.target,
    tree: fixture.tree,
    seed: deriveSeed(fixture.targetId, 0),
  });
  if (measured.outcome.kind !== 'ok') throw new Error('the baseline did not run');
  const researcher = fixture.researcher;
  const salt = testSeed('genesis salt');
  const now = Date.now();
  const commitment = await signObject(
    COMMITMENT,
    {
      target: fixture.targetId,
      author: publicKeyOf(researcher),
      value: commitmentValue(fixture.target.baseline, publicKeyOf(researcher), salt),
      createdAt: now - 1000,
    },
    researcher,
  );
  const candidate = await signObject(
    CANDIDATE,
    {
      target: fixture.targetId,
      parent: ZERO_HASH,
      tree: fixture.target.baseline,
      salt,
      claim: measured.outcome.metric,
      effort: { experiments: 1, seconds: 2 },
      description: 'baseline',
      author: publicKeyOf(researcher),
      createdAt: now,
    },
    researcher,
  );
  await store.commitments.put(commitment, now - 1000);
  const { id } = await store.candidates.put(candidate, now);

  const published: Uint8Array[] = [];
  const events: VerifierEvent[] = [];
  const service = new VerifierService(
    {},
    {
      store,
      runner: flaky,
      key: fixture.verifiers[0]!,
      network: {
        publishAttestation: async () => undefined,
        publishEntry: async (bytes) => published.push(bytes),
        fetchTree: async () => false,
      },
      onEvent: (event) => events.push(event),
    },
  );
  await service.start();
  await service.candidate({ id, candidate, receivedAt: now });
  const deadline = Date.now() + 60_000;
  while (!events.some((e) => e.event === 'entry') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await service.stop();
  return { events, store, fixture, candidate, published, measured: measured.outcome.metric };
}

describe('genesis', { timeout: 120_000 }, () => {
  it('verifies a target baseline and makes it entry 0, published like any entry', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { events, store, fixture, candidate, published, measured } = await genesisRun(0);
    const entry = events.find((e) => e.event === 'entry');
    assert.ok(entry, JSON.stringify(events));
    assert.equal(entry.event === 'entry' && entry.height, 0);
    const head = await store.entries.head(fixture.targetId);
    assert.equal(head?.height, 0);
    assert.equal(head?.metric, measured);
    assert.equal(published.length, 1);
    assert.equal((await store.candidates.status(idOf(CANDIDATE, candidate)))?.status, 'accepted');
    await store.close();
  });

  it('tries a candidate again when the verifier itself fails, without holding it against the author', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { events, store, fixture, candidate } = await genesisRun(1);
    assert.ok(events.some((e) => e.event === 'dropped' && e.reason.startsWith('verifier_error')));
    assert.equal((await store.candidates.status(idOf(CANDIDATE, candidate)))?.status, 'accepted');
    assert.equal((await store.reputation.get(candidate.author)).failed, 0);
    assert.ok(await store.entries.head(fixture.targetId));
    await store.close();
  });
});
