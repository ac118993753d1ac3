import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  hashHex,
  publicKeyOf,
  signObject,
  TARGET,
  validateTarget,
  validateTargetFiles,
} from '@nightshift/protocol';
import { testKey } from '@nightshift/protocol/testing';
import { loadTargetDir } from './load.ts';
import { unsignedTarget } from './target.ts';

const TINY_LM = fileURLToPath(new URL('../../../targets/tiny-lm', import.meta.url));

describe('unsignedTarget', () => {
  it('makes tiny-lm a Target that protocol accepts once signed', async () => {
    const researcher = await testKey('researcher');
    const verifiers = [await testKey('verifier b'), await testKey('verifier a')];
    const dir = await loadTargetDir(TINY_LM);
    const unsigned = unsignedTarget(dir, {
      author: publicKeyOf(researcher),
      verifiers: verifiers.map(publicKeyOf),
      createdAt: 1_000,
    });
    assert.equal(hashHex(unsigned.baseline), hashHex(dir.treeHash));
    assert.equal(unsigned.quorum, dir.manifest.quorum);
    assert.ok(!('signature' in unsigned));
    const target = await signObject(TARGET, unsigned, researcher);
    assert.equal(await validateTarget(target, { now: 2_000 }), undefined);
    assert.equal(validateTargetFiles(target, dir.tree), undefined);
    const quorum2 = unsignedTarget(dir, { ...unsigned, quorum: 2, createdAt: 1_000 });
    assert.equal(quorum2.quorum, 2);
  });
});
