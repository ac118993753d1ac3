/**
 * Target manifests (validation/target.ts): the manifest's own rules, its time and signature,
 * and its baseline files. Each test breaks one thing in the fixture's valid target.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blobHash,
  LIMITS,
  makeTree,
  signObject,
  TARGET,
  type Target,
  utf8,
  validateTarget,
  validateTargetFiles,
} from '../src/index.ts';
import { makeFixture } from '../testing/index.ts';
import { assertError, flipBit } from './helpers.ts';

const fixture = await makeFixture();
const { target } = fixture;
const now = target.createdAt;

/** The fixture's target with some fields changed, checked without re-signing. */
const check = (changes: Partial<Target>) => validateTarget({ ...target, ...changes }, { now });

describe('validateTarget: the manifest', () => {
  it('accepts the fixture target', async () => {
    assert.equal(await validateTarget(target, { now }), undefined);
  });

  it('rejects a name outside 1-64 of [a-z0-9-] starting with a letter or digit', async () => {
    for (const name of ['', 'Tiny', '-tiny', 'tiny_x', 'tiny.x', 'a'.repeat(65), 'tï']) {
      assertError(await check({ name }), 'target_invalid_name', 'reject');
    }
  });

  it('rejects a description with control characters, but allows newlines', async () => {
    assertError(await check({ description: 'bell\u0007' }), 'invalid_text', 'reject');
    const resigned = await signObject(
      TARGET,
      { ...target, description: 'line one\nline two' },
      fixture.researcher,
    );
    assert.equal(await validateTarget(resigned, { now }), undefined);
  });

  it('rejects a target without mutable paths, or with an invalid pattern', async () => {
    assertError(await check({ mutablePaths: [] }), 'target_invalid_paths', 'reject');
    assertError(await check({ mutablePaths: ['../x.py'] }), 'target_invalid_paths', 'reject');
    assertError(await check({ heldOutPaths: ['data//'] }), 'target_invalid_paths', 'reject');
  });

  it('rejects held-out data that a candidate could change', async () => {
    const overlap = { mutablePaths: ['data/', 'train.py'] };
    assertError(await check(overlap), 'target_invalid_paths', 'reject');
    const same = { heldOutPaths: ['train.py'] };
    assertError(await check(same), 'target_invalid_paths', 'reject');
  });

  it('rejects a program that is not a plain file path', async () => {
    for (const program of ['', 'docs/', '../program.md']) {
      assertError(await check({ program }), 'target_invalid_paths', 'reject');
    }
  });

  it('rejects an empty command line, an empty argument or a NUL', async () => {
    for (const changes of [
      { run: [] },
      { score: [''] },
      { run: ['python3', 'a\0b'] },
      { setup: [] },
      { setup: ['pip', ''] },
      { predict: [] },
      { predict: ['python3', 'model.py\0'] },
    ]) {
      assertError(await check(changes), 'target_invalid_command', 'reject');
    }
  });

  it('rejects a minDelta that is not positive, a negative tolerance, a run count outside 1-15, non-positive limits and a long reveal delay', async () => {
    const limits = (change: Partial<Target['limits']>) => ({ ...target.limits, ...change });
    for (const changes of [
      { minDelta: -0.001 },
      { minDelta: 0 },
      { tolerance: -1 },
      { runs: 0 },
      { runs: LIMITS.maxRuns + 1 },
      { limits: limits({ wallSeconds: 0 }) },
      { limits: limits({ processes: 0 }) },
      { revealDelayMs: LIMITS.maxRevealDelayMs + 1 },
    ]) {
      assertError(await check(changes), 'target_invalid_number', 'reject');
    }
  });

  it('rejects a hardware class that is empty, has spaces or control characters', async () => {
    for (const hardware of ['', 'gpu\n', 'gpu a100', '-gpu']) {
      assertError(await check({ hardware }), 'target_invalid_hardware', 'reject');
    }
    const gpu = await signObject(
      TARGET,
      { ...target, hardware: 'gpu:a100-80gb' },
      fixture.researcher,
    );
    assert.equal(await validateTarget(gpu, { now }), undefined);
  });

  it('rejects a quorum outside 1..verifiers, and a verifier that is no Ed25519 key', async () => {
    const { verifiers } = target;
    for (const changes of [
      { quorum: 0 },
      { quorum: verifiers.length + 1 },
      { verifiers: [], quorum: 0 },
      { verifiers: [...verifiers, new Uint8Array(31)] },
    ]) {
      assertError(await check(changes), 'target_invalid_quorum', 'reject');
    }
  });
});

describe('validateTarget: time and signature', () => {
  it('ignores a target signed further ahead than the allowed clock skew', async () => {
    const ahead = { now: target.createdAt - LIMITS.maxClockSkewMs - 1 };
    assertError(await validateTarget(target, ahead), 'from_future', 'ignore');
    const atLimit = { now: target.createdAt - LIMITS.maxClockSkewMs };
    assert.equal(await validateTarget(target, atLimit), undefined);
  });

  it('rejects a flipped signature, and a field changed after signing', async () => {
    assertError(await check({ signature: flipBit(target.signature) }), 'bad_signature', 'reject');
    assertError(await check({ tolerance: 1 }), 'bad_signature', 'reject');
  });

  it('rejects a target signed by a key other than its author', async () => {
    const forged = await signObject(TARGET, target, fixture.workers[0]!);
    assertError(await validateTarget(forged, { now }), 'bad_signature', 'reject');
  });
});

describe('validateTargetFiles', () => {
  it('accepts the baseline files of the fixture', () => {
    assert.equal(validateTargetFiles(target, fixture.tree), undefined);
  });

  it('rejects a tree other than the manifest names', () => {
    const file = { path: 'x', blob: blobHash(utf8('x')), size: 1, executable: false };
    const other = makeTree([...fixture.tree.files, file]);
    assertError(validateTargetFiles(target, other), 'tree_hash_mismatch', 'reject');
  });

  it('rejects a manifest that names a file its baseline lacks', () => {
    for (const changes of [
      { program: 'README.md' },
      { mutablePaths: ['train.py', 'model.py'] },
      { heldOutPaths: ['test/'] },
      // Only the search space names model.py.
      {
        searchSpace: [
          { name: 'WIDTH', file: 'model.py', kind: 'int' as const, min: 1, max: 9, choices: [] },
        ],
      },
    ]) {
      const error = validateTargetFiles({ ...target, ...changes }, fixture.tree);
      assertError(error, 'target_file_missing', 'reject');
    }
    // A directory pattern is present when some file lies under it.
    const dataDir = { ...target, heldOutPaths: ['data/'] };
    assert.equal(validateTargetFiles(dataDir, fixture.tree), undefined);
  });

  it('rejects a score command that runs a file a candidate may change', () => {
    const scoresMutable = { ...target, score: ['python3', 'train.py', '--score'] };
    const error = validateTargetFiles(scoresMutable, fixture.tree);
    assertError(error, 'target_invalid_paths', 'reject');
  });
});
