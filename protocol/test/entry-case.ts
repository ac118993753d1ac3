/**
 * The chain both entry test files start from: entry 0 at 2.5 and a valid entry on it at
 * 2.25, on a target with minDelta 0.25 and tolerance 0.125 (all exact in binary).
 */
import { entryHash, type LogEntry, validateEntry } from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';

export async function entryCase() {
  const fixture = await makeFixture({ minDelta: 0.25, tolerance: 0.125, verifierCount: 3 });
  const { target } = fixture;
  const chain = new ChainBuilder(fixture);
  const genesis = await chain.genesis(2.5);
  const genesisHash = entryHash(genesis);
  const next = await chain.extend(genesis, genesisHash, { metric: 2.25 });
  const now = Number.POSITIVE_INFINITY;
  const ctx = { target, parent: genesis, now };
  /** Validates the entry on entry 0 with some fields changed. */
  const check = (changes: Partial<LogEntry>) => validateEntry({ ...next, ...changes }, ctx);
  return { fixture, target, chain, genesis, genesisHash, next, now, ctx, check };
}
