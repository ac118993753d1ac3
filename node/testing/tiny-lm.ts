// targets/tiny-lm as a swarm would hold it, for tests and benchmarks of the worker: the
// target (signed with fixture keys) and its genesis entry at the baseline's metric as the
// runner measures it, in a store. No verifier exists to make entry 0 for them.
import { ChainBuilder, type Fixture, makeFixture } from '@nightshift/protocol/testing';
import { Runner } from '@nightshift/runner';
import type { Store } from '@nightshift/store';
import { tinyLmFixtureOptions } from '@nightshift/target-dir/testing';

export async function seedTinyLm(
  store: Store,
  {
    verifierCount = 1,
    quorum = 1,
    ...manifestOptions
  }: { revealDelayMs?: number; verifierCount?: number; quorum?: number } = {},
): Promise<{ fixture: Fixture; baseline: number }> {
  const fixture = await makeFixture({
    ...(await tinyLmFixtureOptions(manifestOptions)),
    verifierCount,
    quorum,
  });
  for (const bytes of fixture.blobs.values()) await store.blobs.put(bytes);
  await store.trees.put(fixture.tree);
  await store.targets.put(fixture.target);
  const measured = await new Runner({}, { source: store }).run({
    target: fixture.target,
    tree: fixture.tree,
    seed: 1,
  });
  if (measured.outcome.kind !== 'ok') {
    throw new Error(`tiny-lm's baseline did not run: ${JSON.stringify(measured.outcome)}`);
  }
  await store.entries.add(await new ChainBuilder(fixture).genesis(measured.outcome.metric));
  return { fixture, baseline: measured.outcome.metric };
}
