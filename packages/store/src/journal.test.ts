import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TAG, taggedHash, utf8 } from '@nightshift/protocol';
import { openFreshStore } from '../testing/index.ts';
import type { JournalRecord } from './records.ts';
import { Store } from './store.ts';

const record = (n: number, extra: Partial<JournalRecord> = {}): JournalRecord => ({
  n,
  tree: 'ab'.repeat(32),
  parent: 'cd'.repeat(32),
  status: 'discard',
  reason: 'ok',
  metric: 3.5 - n / 10,
  seconds: 1.25,
  description: `experiment ${n}`,
  at: 1000 + n,
  ...extra,
});

describe('JournalRepository', () => {
  it('keeps each target its own records in order across a reopen, optional fields included', async () => {
    const { store, dataDir } = await openFreshStore('journal');
    const a = taggedHash(TAG.target, utf8('a'));
    const b = taggedHash(TAG.target, utf8('b'));
    const crash = record(3, { status: 'crash', reason: 'run_timeout', metric: undefined });
    for (const r of [record(1, { params: { ORDER: '3' } }), record(2), crash]) {
      await store.journal.append(a, r);
    }
    await store.journal.append(b, record(1, { description: 'other target' }));
    // Ten sorts after two only numerically: keys hold the number big-endian.
    await store.journal.append(a, record(10));
    await store.close();

    const reopened = await Store.open(dataDir);
    const listed = await reopened.journal.list(a);
    assert.deepEqual(
      listed.map((r) => r.n),
      [1, 2, 3, 10],
    );
    assert.deepEqual(listed[0]!.params, { ORDER: '3' });
    assert.equal('metric' in listed[2]!, false);
    assert.equal(listed[2]!.reason, 'run_timeout');
    assert.deepEqual(
      (await reopened.journal.list(b)).map((r) => r.description),
      ['other target'],
    );
    await reopened.close();
  });
});
