import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMITMENT, entryHash, idOf, publicKeyOf } from '@nightshift/protocol';
import { type Scenario, scenario } from '../testing/index.ts';
import { type PrecheckResult, Prechecks } from './prechecks.ts';
import { type ReasonCode, statusFor, type Verdict } from './reasons.ts';

function assertFails(result: PrecheckResult, code: ReasonCode, verdict: Verdict) {
  assert.equal(result.ok, false, `expected ${code}, the candidate passed`);
  if (result.ok) return;
  assert.equal(result.code, code, result.message);
  assert.equal(result.verdict, verdict);
}

/** Runs a test body in a fresh scenario and closes its store whatever happens. */
async function inScenario(
  body: (s: Scenario) => Promise<void>,
  options?: Parameters<typeof scenario>[0],
) {
  const s = await scenario(options);
  try {
    await body(s);
  } finally {
    await s.store.close();
  }
}

const HOUR = 3_600_000;

describe('prechecks', () => {
  it('pass an honest claim, crediting its author with the improvement over the head', () =>
    inScenario(async (s) => {
      const { stored, commitment } = await s.claim();
      const result = await s.prechecks().check(stored);
      assert.equal(result.ok, true);
      if (!result.ok) return;
      assert.deepEqual(result.credit.commitmentId, idOf(COMMITMENT, commitment));
      assert.deepEqual(result.credit.author, publicKeyOf(s.fixture.workers[0]!));
      assert.ok(Math.abs(result.improvement - 2 * s.fixture.target.minDelta) < 1e-12);
    }));

  it('measure the improvement upwards for a metric to maximize', () =>
    inScenario(
      async (s) => {
        const { stored } = await s.claim({ claim: s.genesis.entry.metric + 0.5 });
        const result = await s.prechecks().check(stored);
        assert.equal(result.ok && result.improvement, 0.5);
      },
      { direction: 'maximize' },
    ));

  it("reject a bad signature before any other failure: what follows is the signer's own", () =>
    inScenario(async (s) => {
      const prechecks = s.prechecks();
      await s.extend(); // the head moves, so the forged candidate is stale as well
      const { stored } = await s.claim({ parent: s.genesis });
      const signature = stored.candidate.signature.slice();
      signature[0]! ^= 1;
      const forged = { ...stored, candidate: { ...stored.candidate, signature } };
      assertFails(await prechecks.check(forged), 'bad_signature', 'reject');
      assert.equal(statusFor('bad_signature'), 'rejected');
    }));

  it('retry a candidate for a target this node does not know yet', async () => {
    const elsewhere = await scenario({ name: 'elsewhere' });
    const { stored } = await elsewhere.claim();
    await elsewhere.store.close();
    await inScenario(async (s) => {
      assertFails(await s.prechecks().check(stored), 'unknown_target', 'retry');
    });
  });

  it("skip silently a target that does not list this verifier's key", () =>
    inScenario(async (s) => {
      const { stored } = await s.claim();
      const outsider = new Prechecks(
        {},
        {
          store: s.store,
          key: publicKeyOf(s.fixture.workers[3]!),
          reputation: s.reputation,
          now: s.now,
        },
      );
      assertFails(await outsider.check(stored), 'not_our_target', 'ignore');
      assert.equal(statusFor('not_our_target'), undefined, 'its status is not ours to change');
    }));

  it('call a baseline candidate stale once the target has its entry 0', () =>
    inScenario(async (s) => {
      const { candidate } = s.genesis.entry;
      const stored = await s.store.candidates.put(candidate, s.now());
      assertFails(await s.prechecks().check(stored), 'stale_parent', 'stale');
    }));

  it('retry a candidate whose parent entry is not known yet', () =>
    inScenario(async (s) => {
      const entry = await s.chain.extend(s.genesis.entry, s.genesis.hash);
      const { stored } = await s.claim({ parent: { entry, hash: entryHash(entry) } });
      assertFails(await s.prechecks().check(stored), 'unknown_parent', 'retry');
    }));

  it('reject a claim short of minDelta over the head', () =>
    inScenario(async (s) => {
      const { minDelta } = s.fixture.target;
      const { stored } = await s.claim({ claim: s.genesis.entry.metric - minDelta / 2 });
      assertFails(await s.prechecks().check(stored), 'claim_not_improvement', 'reject');
    }));

  it('call a candidate on an entry that is no longer the head stale', () =>
    inScenario(async (s) => {
      await s.extend();
      const { stored } = await s.claim({ parent: s.genesis });
      assertFails(await s.prechecks().check(stored), 'stale_parent', 'stale');
      assert.equal(statusFor('stale_parent'), 'stale');
    }));

  it('retry a candidate whose commitment has not arrived', () =>
    inScenario(async (s) => {
      const { stored } = await s.claim({ storeCommitment: false });
      assertFails(await s.prechecks().check(stored), 'unknown_commitment', 'retry');
    }));

  it('ignore a candidate revealed sooner than revealDelayMs after its commitment', () =>
    inScenario(async (s) => {
      const commitAt = s.now();
      const revealAt = commitAt + s.fixture.target.revealDelayMs - 1;
      const { stored } = await s.claim({ commitAt, revealAt });
      assertFails(await s.prechecks().check(stored), 'reveal_too_early', 'ignore');
    }));

  it('credit a copied tree, re-signed by another author after the reveal, to its first committer', () =>
    inScenario(async (s) => {
      const [original, copier] = s.fixture.workers;
      const live = s.prechecks();
      const first = await s.claim({ author: original });
      assert.equal((await live.check(first.stored)).ok, true);
      // The copier reads the revealed tree, commits to it, waits out the delay, reveals.
      const copy = await s.claim({ author: copier, tree: first.tree, commitAt: s.now() + 1 });
      const expected = idOf(COMMITMENT, first.commitment);
      // The same verifier, and one started afresh that learns the reveals from the store.
      for (const prechecks of [live, s.prechecks()]) {
        const result = await prechecks.check(copy.stored);
        assert.equal(result.ok, true);
        if (!result.ok) return;
        assert.deepEqual(result.credit.commitmentId, expected);
        assert.deepEqual(result.credit.author, publicKeyOf(original!));
      }
    }));

  it('reject a change outside the mutable paths', () =>
    inScenario(async (s) => {
      const { stored } = await s.claim({ files: { 'score.py': 'print("bpc", 0.1)\n' } });
      assertFails(await s.prechecks().check(stored), 'immutable_path_changed', 'reject');
    }));

  it('ask for a missing tree, then pass once it is stored, charging the rate limit once', () =>
    inScenario(async (s) => {
      const prechecks = s.prechecks({ rateLimit: { burst: 1 } });
      const { stored, tree } = await s.claim({ storeTree: false });
      const result = await prechecks.check(stored);
      assertFails(result, 'tree_missing', 'retry');
      assert.deepEqual(!result.ok && result.tree, stored.candidate.tree);
      await s.store.trees.put(tree);
      assert.equal((await prechecks.check(stored)).ok, true);
    }));

  it('ignore changes larger than this verifier fetches', () =>
    inScenario(async (s) => {
      const { stored } = await s.claim();
      assertFails(await s.prechecks({ maxNewBytes: 4 }).check(stored), 'too_large', 'ignore');
    }));

  it('hold an author to its rate limit per target, refilling over time', () =>
    inScenario(async (s) => {
      const prechecks = s.prechecks({ rateLimit: { burst: 1, perHour: 1 } });
      const [author, other] = s.fixture.workers;
      assert.equal((await prechecks.check((await s.claim({ author })).stored)).ok, true);
      const second = await s.claim({ author });
      assertFails(await prechecks.check(second.stored), 'rate_limited', 'ignore');
      assert.equal((await prechecks.check((await s.claim({ author: other })).stored)).ok, true);
      s.clock.now += HOUR;
      assert.equal((await prechecks.check((await s.claim({ author })).stored)).ok, true);
    }));

  it('ignore a banned author until its ban ends', () =>
    inScenario(async (s) => {
      const author = s.fixture.workers[1]!;
      const until = s.now() + HOUR;
      await s.store.reputation.update(publicKeyOf(author), (r) => ({ ...r, bannedUntil: until }));
      const banned = await s.claim({ author });
      assertFails(await s.prechecks().check(banned.stored), 'author_banned', 'ignore');
      s.clock.now = until;
      assert.equal((await s.prechecks().check((await s.claim({ author })).stored)).ok, true);
    }));
});
