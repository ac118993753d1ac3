import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMITMENT, type Hash, hashHex, idOf, publicKeyOf } from '@nightshift/protocol';
import type { CandidateStatus } from '@nightshift/store';
import { type Claim, type ClaimOptions, type Scenario, scenario } from '../testing/index.ts';
import { admit } from './admit.ts';
import type { Prechecks } from './prechecks.ts';
import { Queue, type QueueOptions } from './queue.ts';

/** A scenario with a queue and the prechecks that feed it. */
async function withQueue(
  body: (q: {
    s: Scenario;
    queue: Queue;
    prechecks: Prechecks;
    offer: (o?: ClaimOptions) => Promise<Claim & { queued: boolean }>;
  }) => Promise<void>,
  options: { queue?: Partial<QueueOptions>; direction?: 'minimize' | 'maximize' } = {},
) {
  const s = await scenario({ direction: options.direction });
  const prechecks = s.prechecks();
  const queue = new Queue(options.queue ?? {}, s);
  /** A claim, admitted: prechecked, then queued (or dropped with its reason settled). */
  const offer = async (o: ClaimOptions = {}) => {
    const claim = await s.claim(o);
    const admission = await admit(claim.stored, { ...s, prechecks, queue });
    assert.equal(admission.retry, undefined);
    return { ...claim, queued: admission.queued };
  };
  try {
    await body({ s, queue, prechecks, offer });
  } finally {
    await s.store.close();
  }
}

/** A claim `k` minDeltas better than the genesis metric, in the target's direction. */
function better(s: Scenario, k: number): number {
  const { minDelta, metric } = s.fixture.target;
  const sign = metric.direction === 'minimize' ? -1 : 1;
  return s.genesis.entry.metric + sign * k * minDelta;
}

async function statusOf(s: Scenario, id: Hash): Promise<[CandidateStatus, string]> {
  const record = (await s.store.candidates.status(id))!;
  return [record.status, record.reason];
}

async function drain(queue: Queue): Promise<string[]> {
  const out: string[] = [];
  for (let item = await queue.next(); item; item = await queue.next()) {
    out.push(item.candidate.description);
  }
  return out;
}

describe('Queue', () => {
  it('hands out the best claim first, weighted by reputation, capped against inflated claims', () =>
    withQueue(async ({ s, queue, offer }) => {
      const [fresh, trusted, liar] = s.fixture.workers;
      await s.store.reputation.update(publicKeyOf(trusted!), (r) => ({ ...r, verified: 5 }));
      const small = await offer({ author: fresh, claim: better(s, 2) }); // 2 × 1
      const large = await offer({ author: fresh, claim: better(s, 3) }); // 3 × 1
      const trust = await offer({ author: trusted, claim: better(s, 1.5) }); // 1.5 × 6
      const inflated = await offer({ author: liar, claim: better(s, 100) }); // capped: 4 × 1
      const order = [trust, inflated, large, small].map((c) => c.candidate.description);
      assert.deepEqual(
        queue.list().map((i) => i.candidate.description),
        order,
      );
      const first = await queue.next();
      assert.deepEqual(await statusOf(s, first!.id), ['verifying', '']);
      assert.deepEqual(await statusOf(s, small.stored.id), ['pending', '']);
      assert.deepEqual([first!.candidate.description, ...(await drain(queue))], order);
    }));

  it('counts a higher claim as more improvement on a metric to maximize', () =>
    withQueue(
      async ({ s, queue, offer }) => {
        const low = await offer({ claim: better(s, 2) });
        const high = await offer({ claim: better(s, 3) });
        assert.deepEqual(
          await drain(queue),
          [high, low].map((c) => c.candidate.description),
        );
      },
      { direction: 'maximize' },
    ));

  it('drops a second candidate with the same tree, keeping the earliest commitment as credit', () =>
    withQueue(async ({ s, queue, offer }) => {
      const [original, copier] = s.fixture.workers;
      // The copier's candidate arrives first, yet the original commitment came first.
      const t = s.now();
      const { revealDelayMs } = s.fixture.target;
      const tree = s.changedTree(s.genesis, { 'train.py': 'LAYERS = 7\n' });
      const copy = await offer({
        author: copier,
        tree,
        commitAt: t + 1,
        revealAt: t + 1 + revealDelayMs,
      });
      const first = await offer({
        author: original,
        tree,
        commitAt: t,
        revealAt: t + 2 + revealDelayMs,
      });
      assert.deepEqual([copy.queued, first.queued], [true, false]);
      assert.deepEqual(await statusOf(s, first.stored.id), ['rejected', 'duplicate_tree']);
      assert.equal(queue.size, 1);
      const item = await queue.next();
      assert.deepEqual(item!.id, copy.stored.id);
      assert.deepEqual(item!.credit.commitmentId, idOf(COMMITMENT, first.commitment));
    }));

  it('drops the lowest priority when full, the newcomer itself when it is the lowest', () =>
    withQueue(
      async ({ s, queue, offer }) => {
        const mid = await offer({ claim: better(s, 2) });
        const low = await offer({ claim: better(s, 1) });
        const high = await offer({ claim: better(s, 3) });
        assert.equal(high.queued, true);
        assert.deepEqual(await statusOf(s, low.stored.id), ['rejected', 'queue_full']);
        const lowest = await offer({ claim: better(s, 1.5) });
        assert.equal(lowest.queued, false);
        assert.deepEqual(await statusOf(s, lowest.stored.id), ['rejected', 'queue_full']);
        assert.deepEqual(
          await drain(queue),
          [high, mid].map((c) => c.candidate.description),
        );
      },
      { queue: { capacity: 2 } },
    ));

  it('removes every candidate on an old parent when the head moves, as stale', () =>
    withQueue(async ({ s, queue, offer }) => {
      const a = await offer({ claim: better(s, 2) });
      const b = await offer({ claim: better(s, 3) });
      const head = await s.extend();
      const onHead = await offer({ parent: head });
      const dropped = await queue.headMoved(s.fixture.targetId, head.hash);
      assert.deepEqual(
        dropped.map((d) => [hashHex(d.id), d.code, d.verdict]).sort(),
        [a, b].map((c) => [hashHex(c.stored.id), 'stale_parent', 'stale']).sort(),
      );
      assert.deepEqual(await statusOf(s, a.stored.id), ['stale', 'stale_parent']);
      assert.deepEqual(
        queue.list().map((i) => hashHex(i.id)),
        [hashHex(onHead.stored.id)],
      );
    }));

  it('is rebuilt after a restart, the interrupted verification first', () =>
    withQueue(async ({ s, queue, offer }) => {
      const low = await offer({ claim: better(s, 1) });
      const high = await offer({ claim: better(s, 3) });
      const mid = await offer({ claim: better(s, 2) });
      const waiting = await s.claim({ storeTree: false });
      const interrupted = await queue.next();
      assert.deepEqual(interrupted!.id, high.stored.id);

      await s.reopen();
      const { store } = s;
      const prechecks = s.prechecks();
      const restored = await Queue.restore(
        {},
        { store, reputation: s.reputation, now: s.now, prechecks },
      );
      assert.deepEqual(restored.dropped, []);
      assert.deepEqual(
        restored.retry.map((r) => [hashHex(r.id), r.retry?.code]),
        [[hashHex(waiting.stored.id), 'tree_missing']],
      );
      const resumed = restored.queue.list();
      assert.deepEqual(
        resumed.map((i) => [i.candidate.description, i.interrupted]),
        [
          [high.candidate.description, true],
          [mid.candidate.description, false],
          [low.candidate.description, false],
        ],
      );
      const again = await restored.queue.next();
      assert.deepEqual(await statusOf(s, again!.id), ['verifying', '']);
      assert.deepEqual(
        await drain(restored.queue),
        [mid, low].map((c) => c.candidate.description),
      );
    }));
});
