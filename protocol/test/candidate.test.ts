/**
 * Candidates (validation/candidate.ts): the cheap checks a node runs on a gossiped
 * candidate before anyone spends a GPU on it, then its tree against its parent's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blobHash,
  CANDIDATE,
  type Candidate,
  entryHash,
  LIMITS,
  makeTree,
  publicKeyOf,
  signObject,
  treeHash,
  utf8,
  validateCandidate,
  validateCandidateTree,
} from '../src/index.ts';
import { ChainBuilder, makeFixture } from '../testing/index.ts';
import { assertError, flipBit, hex } from './helpers.ts';

const fixture = await makeFixture({ minDelta: 0.25, tolerance: 0.1 });
const { target, researcher, workers } = fixture;
const chain = new ChainBuilder(fixture);
const genesis = await chain.genesis(2.5);
const next = await chain.extend(genesis, entryHash(genesis));
const { candidate } = next;
const now = candidate.createdAt;
const ctx = { target, parent: genesis, now };

/** The candidate with some fields changed, signed again by `key` (default: its author). */
const resigned = (changes: Partial<Candidate>, key = workers[0]!) =>
  signObject(CANDIDATE, { ...candidate, ...changes }, key);

describe('validateCandidate', () => {
  it('accepts a candidate on the head, and the baseline candidate', async () => {
    assert.equal(await validateCandidate(candidate, ctx), undefined);
    const head = entryHash(genesis);
    assert.equal(await validateCandidate(candidate, { ...ctx, head }), undefined);
    const baseline = { target, parent: undefined, now };
    assert.equal(await validateCandidate(genesis.candidate, baseline), undefined);
  });

  it('ignores a candidate for an unknown target', async () => {
    const error = await validateCandidate(candidate, { ...ctx, target: undefined });
    assertError(error, 'unknown_target', 'ignore');
  });

  it('ignores a candidate signed further ahead than the clock skew allows', async () => {
    const early = { ...ctx, now: candidate.createdAt - LIMITS.maxClockSkewMs - 1 };
    assertError(await validateCandidate(candidate, early), 'from_future', 'ignore');
  });

  it('rejects a description that is not one printable line', async () => {
    for (const description of ['two\nlines', 'nul\0', 'esc\u001b[2J']) {
      const error = await validateCandidate(await resigned({ description }), ctx);
      assertError(error, 'invalid_text', 'reject');
    }
  });

  it('rejects a baseline candidate with another tree or another author', async () => {
    const base = { target, parent: undefined, now };
    const otherTree = await signObject(
      CANDIDATE,
      { ...genesis.candidate, tree: candidate.tree },
      researcher,
    );
    assertError(await validateCandidate(otherTree, base), 'invalid_genesis', 'reject');
    const otherAuthor = await signObject(
      CANDIDATE,
      { ...genesis.candidate, author: publicKeyOf(workers[0]!) },
      workers[0]!,
    );
    assertError(await validateCandidate(otherAuthor, base), 'invalid_genesis', 'reject');
  });

  it('ignores a candidate whose parent entry is not known yet', async () => {
    const error = await validateCandidate(candidate, { ...ctx, parent: undefined });
    assertError(error, 'unknown_parent', 'ignore');
  });

  it('rejects a candidate whose parent entry belongs to another target', async () => {
    const other = await makeFixture({ name: 'other', minDelta: 0.25 });
    const foreign = await new ChainBuilder(other).genesis(2.5);
    const error = await validateCandidate(candidate, { ...ctx, parent: foreign });
    assertError(error, 'wrong_target', 'reject');
  });

  it('rejects a claim that does not beat the parent by minDelta; exactly minDelta passes', async () => {
    // The parent's metric is 2.5 and minDelta 0.25, both exact in binary.
    for (const claim of [2.5, 2.26, 3]) {
      const error = await validateCandidate(await resigned({ claim }), ctx);
      assertError(error, 'claim_not_improvement', 'reject');
    }
    assert.equal(await validateCandidate(await resigned({ claim: 2.25 }), ctx), undefined);
  });

  it('ignores a candidate on a parent that is no longer the head', async () => {
    const head = new Uint8Array(32).fill(9);
    assertError(await validateCandidate(candidate, { ...ctx, head }), 'stale_parent', 'ignore');
  });

  it('rejects a flipped signature and a candidate signed by another key', async () => {
    const flipped = { ...candidate, signature: flipBit(candidate.signature) };
    assertError(await validateCandidate(flipped, ctx), 'bad_signature', 'reject');
    const stolen = await resigned({}, workers[1]!);
    assertError(await validateCandidate(stolen, ctx), 'bad_signature', 'reject');
  });
});

describe('validateCandidate: maximize', () => {
  it('turns the improvement rule around', async () => {
    const up = await makeFixture({ name: 'up', direction: 'maximize', minDelta: 0.25 });
    const upChain = new ChainBuilder(up);
    const base = await upChain.genesis(2.5);
    const c = (await upChain.extend(base, entryHash(base))).candidate;
    const check = async (claim: number) =>
      validateCandidate(await signObject(CANDIDATE, { ...c, claim }, up.workers[0]!), {
        target: up.target,
        parent: base,
        now,
      });
    assert.equal(await check(2.75), undefined);
    assertError(await check(2.74), 'claim_not_improvement', 'reject');
    assertError(await check(2.25), 'claim_not_improvement', 'reject');
  });
});

describe('validateCandidateTree', () => {
  const parentTree = fixture.tree;
  const tree = chain.trees.get(hex(candidate.tree))!;
  const file = (path: string) => ({ path, blob: blobHash(utf8(path)), size: 1, executable: false });

  it('accepts a tree that changes only mutable paths', () => {
    assert.equal(validateCandidateTree(candidate, target, parentTree, tree), undefined);
  });

  it('rejects a tree other than the candidate names', () => {
    const error = validateCandidateTree(candidate, target, parentTree, parentTree);
    assertError(error, 'tree_hash_mismatch', 'reject');
  });

  it('rejects a tree that adds, removes or changes a file outside the mutable paths', () => {
    const added = makeTree([...tree.files, file('extra.py')]);
    const removed = makeTree(tree.files.filter((f) => f.path !== 'score.py'));
    const changed = makeTree(
      tree.files.map((f) => (f.path === 'score.py' ? { ...f, executable: true } : f)),
    );
    for (const t of [added, removed, changed]) {
      const c = { ...candidate, tree: treeHash(t) };
      assertError(
        validateCandidateTree(c, target, parentTree, t),
        'immutable_path_changed',
        'reject',
      );
    }
  });
});
