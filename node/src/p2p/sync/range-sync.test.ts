import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { peerIdFromString } from '@libp2p/peer-id';
import {
  encodeEntry,
  entryHash,
  type Head,
  hashHex,
  type LogEntry,
  type RangeRequest,
} from '@nightshift/protocol';
import { ChainBuilder, type Fixture, makeFixture } from '@nightshift/protocol/testing';
import { Store } from '@nightshift/store';
import { EntryValidator } from './entry-validator.ts';
import { isBetterHead, rangeSync } from './range-sync.ts';

const PEER = peerIdFromString('12D3KooWJ7sqY3p8UkYfigDgMxiAWFQvTGiEKsbuBsssq2NvBP2c');

/** A peer whose canonical chain is `chain`, recording the ranges asked for. */
function servingPeer(chain: LogEntry[]) {
  const asked: [number, number][] = [];
  return {
    asked,
    reqResp: {
      async *entries(_peer: unknown, request: RangeRequest) {
        asked.push([request.from, request.count]);
        for (const entry of chain.slice(request.from, request.from + request.count)) {
          yield encodeEntry(entry);
        }
      },
    },
  };
}

function headOf(entry: LogEntry): Head {
  return {
    target: entry.target,
    head: entryHash(entry),
    height: entry.height,
    metric: entry.metric,
  };
}

describe('range sync', () => {
  let fixture: Fixture;
  let ours: LogEntry[];
  let theirs: LogEntry[];
  let dir: string;

  before(async () => {
    fixture = await makeFixture({ name: 'range' });
    const chain = new ChainBuilder(fixture);
    const genesis = await chain.genesis();
    // Both chains share entries 0..20; ours then goes on in small steps to height 60, theirs
    // in large ones to height 30, ending better.
    const shared = [genesis];
    for (let i = 1; i <= 20; i++) {
      shared.push(await chain.extend(shared.at(-1)!, entryHash(shared.at(-1)!)));
    }
    ours = [...shared];
    for (let i = 21; i <= 60; i++) {
      ours.push(await chain.extend(ours.at(-1)!, entryHash(ours.at(-1)!)));
    }
    theirs = [...shared];
    for (let i = 21; i <= 30; i++) {
      const parent = theirs.at(-1)!;
      theirs.push(await chain.extend(parent, entryHash(parent), { metric: parent.metric - 0.2 }));
    }
    dir = await mkdtemp(join(tmpdir(), 'nightshift-range-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function storeWith(entries: LogEntry[]): Promise<Store> {
    const store = await Store.open(join(dir, String(Math.random())));
    await store.targets.put(fixture.target);
    for (const entry of entries) await store.entries.add(entry);
    return store;
  }

  function context(store: Store, reqResp: ReturnType<typeof servingPeer>['reqResp']) {
    return {
      store,
      reqResp: reqResp as never,
      now: Date.now,
      batchSize: 8,
      validator: new EntryValidator(0),
      signal: new AbortController().signal,
    };
  }

  it('compares heads by fork choice: a better metric wins, and a tie goes to the lower hash', () => {
    const a = headOf(theirs.at(-1)!);
    const b = headOf(ours.at(-1)!);
    assert.equal(isBetterHead(a, b, 'minimize'), true);
    assert.equal(isBetterHead(b, a, 'minimize'), false);
    assert.equal(isBetterHead(a, undefined, 'minimize'), true);
    assert.equal(isBetterHead(a, a, 'minimize'), false);
    const tie = { ...b, metric: a.metric };
    const lower = hashHex(a.head) < hashHex(b.head);
    assert.equal(isBetterHead(a, tie, 'minimize'), lower);
  });

  it('from nothing, asks for every batch in turn and ends at the peer head', async () => {
    const store = await storeWith([]);
    const peer = servingPeer(theirs);
    const result = await rangeSync(
      context(store, peer.reqResp),
      PEER,
      fixture.target,
      headOf(theirs.at(-1)!),
    );
    assert.equal(result.added, 31);
    assert.equal(hashHex(result.head!.head), hashHex(entryHash(theirs.at(-1)!)));
    assert.deepEqual(peer.asked, [
      [0, 8],
      [8, 8],
      [16, 8],
      [24, 7],
    ]);
    await store.close();
  });

  it('steps back, doubling, to the entry both chains share, and moves to the better branch', async () => {
    const store = await storeWith(ours);
    const peer = servingPeer(theirs);
    const result = await rangeSync(
      context(store, peer.reqResp),
      PEER,
      fixture.target,
      headOf(theirs.at(-1)!),
    );
    // Ours is at 60, theirs at 30: start at 30, then step back 1, 2, 4, 8 until a batch links.
    assert.deepEqual(
      peer.asked.map(([from]) => from),
      [30, 29, 27, 23, 15, 23],
    );
    assert.equal(result.added, 10);
    const head = await store.entries.head(fixture.targetId);
    assert.equal(hashHex(head!.head), hashHex(entryHash(theirs.at(-1)!)));
    assert.equal(await store.entries.count(fixture.targetId), 61 + 10, 'the old branch stays');
    await store.close();
  });
});
