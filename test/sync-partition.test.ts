// Two groups of nodes that stored different valid entries on a shared entry 0 while apart
// converge on one canonical head, the fork-choice head, soon after they are connected.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { compareBytes, entryHash, hashHex, type LogEntry } from '@nightshift/protocol';
import { ChainBuilder, makeFixture } from '@nightshift/protocol/testing';
import {
  connect,
  extendChain,
  headOf,
  startNode,
  storeEntries,
  storeTarget,
  type TestNode,
  waitFor,
} from './sync-harness.ts';

let nodes: TestNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  nodes = [];
});

/** Four nodes: a1, a2 hold branch A, b1, b2 branch B, each group connected inside itself. */
async function partitioned(
  branches: (
    chain: ChainBuilder,
    genesis: LogEntry,
  ) => Promise<{
    a: LogEntry[];
    b: LogEntry[];
  }>,
) {
  const fixture = await makeFixture({ name: 'partition' });
  const chain = new ChainBuilder(fixture);
  const genesis = await chain.genesis();
  const { a, b } = await branches(chain, genesis);
  nodes = await Promise.all([startNode(), startNode(), startNode(), startNode()]);
  const [a1, a2, b1, b2] = nodes as [TestNode, TestNode, TestNode, TestNode];
  for (const [node, branch] of [
    [a1, a],
    [b1, b],
  ] as const) {
    await storeTarget(node.store, fixture);
    await storeEntries(node.store, chain, [genesis, ...branch]);
  }
  const target = fixture.targetId;
  const headA = hashHex(entryHash(a.at(-1)!));
  const headB = hashHex(entryHash(b.at(-1)!));
  await connect(a2, a1);
  await connect(b2, b1);
  await waitFor('each group to agree inside', async () => {
    return (await headOf(a2.store, target)) === headA && (await headOf(b2.store, target)) === headB;
  });
  await Promise.all(nodes.map((n) => n.sync.idle()));
  return { a1, a2, b1, b2, target, headA, headB };
}

describe('partition and heal', () => {
  it('converges every node on the branch with the best metric, also where it is shorter', async (t) => {
    const { a1, b1, target, headB } = await partitioned(async (chain, genesis) => ({
      // A: twelve small steps (2.5 to 2.26); B: three large ones (to 2.05), so B is better.
      a: (await extendChain(chain, genesis, 12)).map((e) => e.entry),
      b: (await extendChain(chain, genesis, 3, -0.15)).map((e) => e.entry),
    }));
    const started = Date.now();
    await connect(a1, b1);
    await waitFor('all four nodes to hold head B', async () => {
      const heads = await Promise.all(nodes.map((n) => headOf(n.store, target)));
      return heads.every((h) => h === headB);
    });
    t.diagnostic(`converged in ${Date.now() - started} ms`);
    // The losing branch stays where it was stored: nothing is deleted, nothing is pushed.
    assert.equal(await a1.store.entries.count(target), 1 + 12 + 3);
    assert.equal(await b1.store.entries.count(target), 1 + 3);
  });

  it('breaks a tie of metrics by the lower entry hash, on every node', async () => {
    const { a1, b1, target, headA, headB } = await partitioned(async (chain, genesis) => {
      const a1 = await chain.extend(genesis, entryHash(genesis), { metric: 2.4 });
      const a2 = await chain.extend(a1, entryHash(a1), { metric: 2.3 });
      const b1 = await chain.extend(genesis, entryHash(genesis), { metric: 2.3 });
      return { a: [a1, a2], b: [b1] };
    });
    const lower =
      compareBytes(Buffer.from(headA, 'hex'), Buffer.from(headB, 'hex')) < 0 ? headA : headB;
    await connect(b1, a1);
    await waitFor('all four nodes to hold the lower-hash head', async () => {
      const heads = await Promise.all(nodes.map((n) => headOf(n.store, target)));
      return heads.every((h) => h === lower);
    });
  });
});
