// Re-running claims on targets/tiny-lm with the real runner (bubblewrap), attesting, and
// assembling the entry once the quorum accepted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CANDIDATE,
  deriveSeed,
  entryHash,
  hashHex,
  idOf,
  validateAttestation,
} from '@nightshift/protocol';
import { Runner } from '@nightshift/runner';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { tinyLmFixtureOptions } from '@nightshift/target-dir/testing';
import { scenario } from '../testing/index.ts';
import { assembleEntry } from './assemble.ts';
import { verify } from './verify.ts';

/** A verifier's world on tiny-lm: entry 0 at 2.5 bpc (the fixture's), blobs stored. */
async function tinyLmWorld() {
  const tinyLm = await tinyLmFixtureOptions();
  const world = await scenario({ ...tinyLm, verifierCount: 1, quorum: 1 });
  for (const bytes of world.fixture.blobs.values()) await world.store.blobs.put(bytes);
  const model = tinyLm.files!['model.py'] as Uint8Array;
  const tuned = new TextDecoder()
    .decode(model)
    .replace(/^ORDER = \S+/m, 'ORDER = 5')
    .replace(/^SMOOTHING = \S+/m, 'SMOOTHING = "kneser-ney"');
  const tree = world.changedTree(world.genesis, { 'model.py': tuned });
  for (const bytes of world.fixture.blobs.values()) await world.store.blobs.put(bytes);
  const runner = new Runner({}, { source: world.store });
  // What the worker measured, with the seed the verifiers derive from the parent.
  const worker = await runner.run({
    target: world.fixture.target,
    tree,
    seed: deriveSeed(world.genesis.hash, 0),
  });
  assert.equal(worker.outcome.kind, 'ok');
  const measured = worker.outcome.kind === 'ok' ? worker.outcome.metric : Number.NaN;
  return { world, tree, runner, measured };
}

describe('verify', { timeout: 120_000 }, () => {
  it('accepts an honest improvement, attests it validly, and assembles the entry that becomes the head', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { world, tree, runner, measured } = await tinyLmWorld();
    const claim = await world.claim({ tree, claim: measured });
    const passed = await world.prechecks().check(claim.stored);
    assert.ok(passed.ok, JSON.stringify(passed));
    if (!passed.ok) return;
    const candidateId = idOf(CANDIDATE, claim.candidate);
    const attestation = await verify(
      {
        target: world.fixture.target,
        candidate: claim.candidate,
        candidateId,
        creditId: passed.credit.commitmentId,
        parentMetric: world.genesis.entry.metric,
      },
      { runner, key: world.verifier, now: world.now },
    );
    assert.equal(attestation.verdict, 'accept');
    assert.equal(attestation.reason, 'ok');
    assert.equal(attestation.metric, measured);
    const error = await validateAttestation(attestation, {
      target: world.fixture.target,
      candidate: { value: claim.candidate, id: candidateId },
      parent: world.genesis.entry,
      now: world.now(),
    });
    assert.equal(error, undefined);

    const candidate = { value: claim.candidate, id: candidateId };
    const parent = { hash: world.genesis.hash, height: 0 };
    const early = await assembleEntry(
      world.store,
      world.fixture.target,
      candidate,
      passed.credit,
      parent,
    );
    assert.equal(early, undefined, 'an entry before any attestation is stored');
    await world.store.attestations.put(attestation);
    const entry = await assembleEntry(
      world.store,
      world.fixture.target,
      candidate,
      passed.credit,
      parent,
    );
    assert.ok(entry);
    const added = await world.store.entries.addValidated(entry, { now: world.now() });
    assert.ok(added.ok, JSON.stringify(added));
    const head = await world.store.entries.head(world.fixture.targetId);
    assert.equal(hashHex(head!.head), hashHex(entryHash(entry)));
    assert.equal(head!.metric, measured);
  });

  it('rejects a forged metric outside tolerance, and a true claim that does not beat the parent', async (t) => {
    if (!requireBubblewrap(t)) return;
    const { world, tree, runner, measured } = await tinyLmWorld();
    const forged = await world.claim({ tree, claim: measured - 0.1 });
    const attest = async (c: typeof forged, parentMetric: number) => {
      const passed = await world.prechecks().check(c.stored);
      assert.ok(passed.ok, JSON.stringify(passed));
      if (!passed.ok) throw new Error('precheck');
      return verify(
        {
          target: world.fixture.target,
          candidate: c.candidate,
          candidateId: idOf(CANDIDATE, c.candidate),
          creditId: passed.credit.commitmentId,
          parentMetric,
        },
        { runner, key: world.verifier, now: world.now },
      );
    };
    const rejected = await attest(forged, world.genesis.entry.metric);
    assert.equal(rejected.verdict, 'reject');
    assert.equal(rejected.reason, 'outside_tolerance');
    assert.equal(rejected.metric, measured);

    // A true claim against a parent it beats by less than minDelta.
    const honest = await world.claim({ tree, claim: measured });
    const unimproved = await attest(honest, measured + world.fixture.target.minDelta / 2);
    assert.equal(unimproved.verdict, 'reject');
    assert.equal(unimproved.reason, 'not_improvement');
    assert.equal(unimproved.metric, measured);
  });
});
