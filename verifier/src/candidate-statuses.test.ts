import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashHex } from '@nightshift/protocol';
import { scenario } from '../testing/index.ts';
import { candidateStatuses } from './candidate-statuses.ts';
import { settle } from './settle.ts';

describe('candidateStatuses', () => {
  it("lists a target's candidates with the status and reason code each was settled with", async () => {
    const world = await scenario();
    const stale = await world.claim();
    const early = await world.claim();
    const waiting = await world.claim();
    await settle(world.store, stale.stored.id, 'stale_parent', world.now() + 1);
    await settle(world.store, early.stored.id, 'reveal_too_early', world.now() + 2);

    const rows = await candidateStatuses(world.store, world.fixture.targetId);
    const byId = new Map(rows.map((r) => [hashHex(r.id), r]));
    assert.equal(rows.length, 3);
    assert.deepEqual(
      [byId.get(hashHex(stale.stored.id))?.status, byId.get(hashHex(stale.stored.id))?.reason],
      ['stale', 'stale_parent'],
    );
    assert.deepEqual(
      [byId.get(hashHex(early.stored.id))?.status, byId.get(hashHex(early.stored.id))?.reason],
      ['rejected', 'reveal_too_early'],
    );
    assert.equal(byId.get(hashHex(waiting.stored.id))?.status, 'pending');
    // Most recently changed first.
    assert.equal(hashHex(rows[0]!.id), hashHex(early.stored.id));
    assert.equal(
      (await candidateStatuses(world.store, world.fixture.targetId, { limit: 1 })).length,
      1,
    );
    assert.deepEqual(await candidateStatuses(world.store, new Uint8Array(32)), []);
    await world.store.close();
  });
});
