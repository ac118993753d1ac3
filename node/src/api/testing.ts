/**
 * A store seeded as a running swarm leaves it, for the API's and the dashboard's tests:
 * a target with its files, a canonical chain g → a1 → a2, an orphaned b1 on g, the
 * entries' candidates (accepted) and attestations, one candidate waiting for verification
 * and one rejected with a reason.
 */
import {
  CANDIDATE,
  entryHash,
  idOf,
  type LogEntry,
  publicKeyOf,
  signObject,
} from '@nightshift/protocol';
import { ChainBuilder, type Fixture, makeFixture } from '@nightshift/protocol/testing';
import type { Store } from '@nightshift/store';

export interface SeededSwarm {
  fixture: Fixture;
  chain: ChainBuilder;
  genesis: LogEntry;
  canonical: LogEntry[];
  orphan: LogEntry;
  /** The candidate still pending and the one rejected as `not_improvement`. */
  pendingId: string;
  rejectedId: string;
}

export async function seedSwarm(store: Store, name = 'api-seeded'): Promise<SeededSwarm> {
  const fixture = await makeFixture({ name });
  const chain = new ChainBuilder(fixture);
  const genesis = await chain.genesis(2.5);
  const a1 = await chain.extend(genesis, entryHash(genesis), {
    metric: 2.4,
    description: 'fewer layers, higher learning rate',
  });
  const a2 = await chain.extend(a1, entryHash(a1), { metric: 2.3, author: fixture.workers[1]! });
  const orphan = await chain.extend(genesis, entryHash(genesis), { metric: 2.45 });

  await store.targets.put(fixture.target);
  for (const tree of chain.trees.values()) await store.trees.put(tree);
  for (const blob of fixture.blobs.values()) await store.blobs.put(blob);
  for (const entry of [genesis, a1, a2, orphan]) {
    await store.entries.add(entry);
    const { id } = await store.candidates.put(entry.candidate, entry.candidate.createdAt);
    await store.candidates.setStatus(id, 'verifying', {
      reason: '',
      now: entry.candidate.createdAt,
    });
    await store.candidates.setStatus(id, 'accepted', {
      reason: 'ok',
      now: entry.candidate.createdAt + 1,
    });
    for (const attestation of entry.attestations) await store.attestations.put(attestation);
  }

  const worker = fixture.workers[0]!;
  const candidateOn = async (claim: number, description: string) =>
    signObject(
      CANDIDATE,
      {
        ...a2.candidate,
        parent: entryHash(a2),
        author: publicKeyOf(worker),
        claim,
        description,
        createdAt: 1_800_000_000_000,
      },
      worker,
    );
  const pending = await candidateOn(2.2, 'a wider context window');
  const rejected = await candidateOn(2.29, 'a slightly smaller batch');
  await store.candidates.put(pending, 1_800_000_000_000);
  await store.candidates.put(rejected, 1_800_000_000_000);
  const rejectedId = idOf(CANDIDATE, rejected);
  await store.candidates.setStatus(rejectedId, 'rejected', {
    reason: 'not_improvement',
    now: 1_800_000_001_000,
  });
  return {
    fixture,
    chain,
    genesis,
    canonical: [genesis, a1, a2],
    orphan,
    pendingId: Buffer.from(idOf(CANDIDATE, pending)).toString('hex'),
    rejectedId: Buffer.from(rejectedId).toString('hex'),
  };
}
