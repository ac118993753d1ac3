// A researcher's `nightshift target submit` as its users run it, over real TCP and real
// bubblewrap: a verifier (`nightshift verify`, its own fresh identity) and a submitter that
// names it; the target reaches the verifier by gossip, its baseline files by fetch, and the
// verifier re-runs the baseline claim and makes it entry 0, which the submitter waits for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  assertNoStackTrace,
  freshDir,
  nightshift,
  startNightshift,
} from '@nightshift/node/testing';
import { fromHex } from '@nightshift/protocol';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { Store } from '@nightshift/store';

const LOOPBACK = '/ip4/127.0.0.1/tcp/0';
const TINY_LM = fileURLToPath(new URL('../targets/tiny-lm', import.meta.url));

describe('nightshift target submit', { timeout: 240_000 }, () => {
  it('publishes a target whose named verifier makes its baseline entry 0', async (t) => {
    if (!requireBubblewrap(t)) return;
    const verifierDir = freshDir();
    const verifier = startNightshift([
      'verify',
      '--json',
      '--no-mdns',
      '--data-dir',
      verifierDir,
      '--listen',
      LOOPBACK,
    ]);
    const started = await verifier.next((e) => e['event'] === 'started');

    const submitter = startNightshift([
      'target',
      'submit',
      TINY_LM,
      '--json',
      '--no-mdns',
      '--data-dir',
      freshDir(),
      '--listen',
      LOOPBACK,
      '--bootstrap',
      (started['listen'] as string[])[0]!,
      '--verifier',
      String(started['peerId']),
      '--wait',
      '180',
    ]);
    const published = await submitter.next((e) => e['event'] === 'published', 30_000);
    assert.equal(published['name'], 'tiny-lm');
    assert.deepEqual(published['verifiers'], [started['peerId']]);
    assert.equal(published['quorum'], 1);
    const measured = await submitter.next((e) => e['event'] === 'measured', 60_000);
    assert.ok(
      Number(measured['metric']) > 3 && Number(measured['metric']) < 4,
      'tiny-lm baseline is ~3.59 bpc',
    );
    const accepted = await submitter.next((e) => e['event'] === 'accepted', 180_000);
    assert.equal(accepted['metric'], measured['metric'], 'entry 0 holds the re-measured baseline');
    const done = await submitter.next((e) => e['event'] === 'submitted', 10_000);
    assert.equal(done['accepted'], true);
    assert.equal(await submitter.stop(), 0);

    const entry = await verifier.next((e) => e['event'] === 'entry', 10_000);
    assert.equal(entry['height'], 0);
    assert.equal(entry['entry'], accepted['entry']);
    assert.equal(await verifier.stop(), 0, verifier.stderr());
    const store = await Store.open(verifierDir);
    const head = await store.entries.head(fromHex(String(published['target'])));
    assert.equal(head?.height, 0);
    await store.close();
  });

  it('refuses bad arguments before it starts a peer, each with its code', async () => {
    const badKey = await nightshift([
      'target',
      'submit',
      TINY_LM,
      '--json',
      '--verifier',
      'not-a-peer-id',
    ]);
    assert.equal(badKey.status, 2);
    assert.match(badKey.stdout, /"code":"usage"/);
    assert.match(badKey.stdout, /not an Ed25519 peer id/);

    const noDir = await nightshift([
      'target',
      'submit',
      '/nonexistent-target-dir',
      '--json',
      '--no-mdns',
      '--listen',
      LOOPBACK,
    ]);
    assert.equal(noDir.status, 2);
    assert.match(noDir.stdout, /"code":"target_invalid"/);
    assertNoStackTrace(noDir);
  });
});
