// The whole loop as its users run it, over real TCP and real bubblewrap: a verifier peer
// (`nightshift verify`) holding tiny-lm and its entry 0, and a volunteer (`nightshift work`)
// that syncs the target from it, searches, and announces; the verifier re-runs the claim,
// attests, and grows the log by the entry, which the worker then follows.
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { IDENTITY_FILE } from '@nightshift/node';
import { freshDir, startNightshift } from '@nightshift/node/testing';
import { seedTinyLm } from '@nightshift/node/testing/tiny-lm';
import { hashHex } from '@nightshift/protocol';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { Store } from '@nightshift/store';

const LOOPBACK = '/ip4/127.0.0.1/tcp/0';

describe('nightshift verify with nightshift work', { timeout: 240_000 }, () => {
  it('accepts an honest improvement end to end: the log grows and the worker follows it', async (t) => {
    if (!requireBubblewrap(t)) return;
    // The verifier's data dir: tiny-lm with entry 0, and the identity the target lists.
    const verifierDir = freshDir();
    const store = await Store.open(verifierDir);
    const { fixture, baseline } = await seedTinyLm(store, { revealDelayMs: 500 });
    await store.close();
    await mkdir(verifierDir, { recursive: true, mode: 0o700 });
    await chmod(verifierDir, 0o700);
    await writeFile(join(verifierDir, IDENTITY_FILE), privateKeyToProtobuf(fixture.verifiers[0]!), {
      mode: 0o600,
    });

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
    const worker = startNightshift([
      'work',
      '--json',
      '--no-mdns',
      '--data-dir',
      freshDir(),
      '--listen',
      LOOPBACK,
      '--bootstrap',
      (started['listen'] as string[])[0]!,
      '--target',
      'tiny-lm',
      '--duration',
      '150',
    ]);
    // The first entry the verifier makes is one of the worker's announcements (the worker may
    // announce a better one before the first is verified; the queue takes the best first).
    const entry = await verifier.next((e) => e['event'] === 'entry', 150_000);
    const candidate = String(entry['candidate']);
    const announced = await worker.next(
      (e) => e['event'] === 'announced' && e['candidate'] === candidate,
      1000,
    );
    const queued = await verifier.next(
      (e) => e['event'] === 'queued' && e['candidate'] === candidate,
      1000,
    );
    assert.equal(queued['claim'], announced['claim']);
    const attested = await verifier.next(
      (e) => e['event'] === 'attested' && e['candidate'] === candidate,
      1000,
    );
    assert.equal(attested['verdict'], 'accept');
    assert.equal(attested['metric'], announced['claim'], 'the re-run did not reproduce the claim');
    assert.equal(entry['height'], 1);
    assert.equal(entry['metric'], announced['claim']);

    // The worker hears the verdict and moves onto the new head.
    const verdict = await worker.next(
      (e) => e['event'] === 'verdict' && e['candidate'] === candidate,
      30_000,
    );
    assert.equal(verdict['verdict'], 'accept');
    const head = await worker.next(
      (e) => e['event'] === 'head' && e['head'] === entry['entry'],
      60_000,
    );
    assert.equal(head['height'], 1);
    assert.ok(Number(head['metric']) < baseline);
    assert.equal(await worker.stop('SIGINT'), 0, worker.stderr());
    assert.equal(await verifier.stop(), 0, verifier.stderr());

    const after = await Store.open(verifierDir);
    const stored = await after.entries.head(fixture.targetId);
    assert.equal(hashHex(stored!.head), entry['entry']);
    const status = await after.candidates.status(Buffer.from(candidate, 'hex'));
    assert.equal(status?.status, 'accepted');
    await after.close();
  });
});
