// A verifier killed mid-verification resumes its queue after restart (issue 6 §7): the real
// `nightshift verify` process, SIGKILLed while it re-runs an honest tiny-lm candidate under
// bubblewrap, is started again on the same data directory; it runs the interrupted
// candidate first, makes the entry, and clears the workspace the kill left behind.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { multiaddr } from '@multiformats/multiaddr';
import { IDENTITY_FILE } from '@nightshift/node';
import { nightshift, startNightshift } from '@nightshift/node/testing';
import { hashHex } from '@nightshift/protocol';
import { findBubblewrap } from '@nightshift/runner';
import { requireBubblewrap } from '@nightshift/runner/testing';
import { Store } from '@nightshift/store';
import type { Peer } from '../node/src/peer.ts';
import { waitFor } from './gossip-swarm.ts';
import { announceClaim, startAuthor, tinyLmWorld, type World } from './verifier-swarm.ts';

const LOOPBACK = '/ip4/127.0.0.1/tcp/0';

describe('nightshift verify, killed and restarted', { timeout: 240_000 }, () => {
  let world: World;
  let author: Peer;

  before(async () => {
    if (!findBubblewrap()) return;
    world = await tinyLmWorld({ verifierCount: 1, quorum: 1, revealDelayMs: 300 });
    author = await startAuthor(world);
  });

  after(async () => {
    await author?.stop();
    await world?.close();
    if (world) await rm(world.root, { recursive: true, force: true });
  });

  it('resumes the verification it was killed in: the entry is made after the restart, and the killed run leaves nothing behind', async (t) => {
    if (!requireBubblewrap(t)) return;
    const dataDir = world.freshDataDir();
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeFile(
      join(dataDir, IDENTITY_FILE),
      privateKeyToProtobuf(world.fixture.verifiers[0]!),
      {
        mode: 0o600,
      },
    );
    await world.seed(dataDir);
    const args = ['verify', '--json', '--no-mdns', '--api', 'off', '--data-dir', dataDir];

    const first = startNightshift([...args, '--listen', LOOPBACK]);
    const started = await first.next((e) => e['event'] === 'started', 60_000);
    await author.host.dial(multiaddr((started['listen'] as string[])[0]!));
    await waitFor('the verifier to subscribe to the candidates', async () => {
      await author.gossip.waitForSubscribers(world.fixture.targetId, 'candidates', 1000);
      return author.gossip.waitForSubscribers(world.fixture.targetId, 'commitments', 1000);
    });

    const tree = world.modelTree({ ORDER: '3', ALPHA: '0.1' });
    const metric = await world.measure(tree, world.genesis.hash);
    const honest = await announceClaim(world, author, await generateKeyPair('Ed25519'), {
      tree,
      parent: world.genesis.hash,
      metric,
    });
    await first.next((e) => e['event'] === 'queued' && e['candidate'] === honest.candidate, 60_000);
    // Killed once its run has a workspace: mid-verification.
    const killedPid = first.child.pid!;
    const leftBehind = async () =>
      (await readdir(tmpdir())).filter((name) => name.startsWith(`nightshift-run-${killedPid}-`));
    await waitFor('the run to start', async () => (await leftBehind()).length > 0, {
      timeoutMs: 30_000,
      intervalMs: 5,
    });
    assert.equal(await first.stop('SIGKILL'), null);
    const killed = await Store.open(dataDir);
    const interrupted = await killed.candidates.status(Buffer.from(honest.candidate, 'hex'));
    assert.equal(interrupted?.status, 'verifying');
    assert.equal((await killed.entries.head(world.fixture.targetId))?.height, 0);
    await killed.close();

    // Restarted alone: what it needs (the candidate, its commitment and tree) is stored.
    const second = startNightshift([...args, '--listen', LOOPBACK]);
    const entry = await second.next(
      (e) => e['event'] === 'entry' && e['candidate'] === honest.candidate,
      120_000,
    );
    assert.equal(entry['height'], 1);
    assert.equal(entry['metric'], metric);
    assert.equal(await second.stop(), 0, second.stderr());

    const store = await Store.open(dataDir);
    const head = await store.entries.head(world.fixture.targetId);
    assert.equal(hashHex(head!.head), entry['entry']);
    const status = await store.candidates.status(Buffer.from(honest.candidate, 'hex'));
    assert.equal(status?.status, 'accepted');
    // One attestation, from the run after the restart: the killed run attested nothing.
    const attestations = await store.attestations.byCandidate(Buffer.from(honest.candidate, 'hex'));
    assert.equal(attestations.length, 1);
    await store.close();
    assert.deepEqual(await leftBehind(), []);
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    assert.ok(!mounts.includes(`nightshift-run-${killedPid}-`), 'the killed run is still mounted');
  });

  it('refuses bad verification slots with a usage error before it starts a peer', async () => {
    for (const options of [
      ['--verify-gpu', '0,a'],
      ['--verify-gpu', '1,1'],
      ['--verify-per-gpu', '0'],
      ['--verify-per-gpu', '2.5'],
    ]) {
      const run = await nightshift(['verify', '--json', '--no-mdns', ...options]);
      assert.equal(run.status, 2, `${options.join(' ')}: ${run.stdout}`);
      assert.equal(JSON.parse(run.stdout).error.code, 'usage');
    }
  });
});
