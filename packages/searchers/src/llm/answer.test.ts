import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytes, text } from '../../testing/index.ts';
import { isSearcherError } from '../errors.ts';
import { applyAnswer, fencedBlocks, taggedPath } from './answer.ts';

const current = new Map([['model.py', bytes('ORDER = 2\nSMOOTHING = "add-k"\n')]]);

describe('model answers', () => {
  it('reads a whole file from a block tagged with its path, and the Description line', () => {
    const answer =
      'Description: raise the order\n\n```model.py\nORDER = 5\n```\nWhy: more context.\n';
    const applied = applyAnswer(answer, current);
    assert.equal(text(applied.files.get('model.py')), 'ORDER = 5\n');
    assert.equal(applied.description, 'raise the order');
  });

  it('accepts the usual ways of tagging a block with a path', () => {
    for (const info of [
      'model.py',
      'python model.py',
      'python:model.py',
      'path=model.py',
      '`model.py`',
    ]) {
      assert.equal(taggedPath(info), 'model.py', info);
    }
    assert.equal(taggedPath('python'), undefined);
    assert.equal(taggedPath('diff'), undefined);
  });

  it('applies a diff block, dropping git a/ and b/ prefixes', () => {
    const answer =
      '**Description:** kneser-ney\n```diff\n--- a/model.py\n+++ b/model.py\n@@ -2 +2 @@\n' +
      '-SMOOTHING = "add-k"\n+SMOOTHING = "kneser-ney"\n```\n';
    const applied = applyAnswer(answer, current);
    assert.equal(text(applied.files.get('model.py')), 'ORDER = 2\nSMOOTHING = "kneser-ney"\n');
    assert.equal(applied.description, 'kneser-ney');
  });

  it('ignores blocks tagged only with a language and fails with llm_no_edit without an edit', () => {
    const answer = 'You could try:\n```python\nORDER = 5\n```\n';
    assert.throws(
      () => applyAnswer(answer, current),
      (e) => isSearcherError(e, 'llm_no_edit'),
    );
  });

  it('keeps a longer fence open across inner ``` lines, and drops a block cut off mid-way', () => {
    const { blocks } = fencedBlocks('````README.md\n```sh\nrun\n```\n````\n```model.py\nORDER =');
    assert.deepEqual(blocks, [{ info: 'README.md', content: '```sh\nrun\n```\n' }]);
  });

  it('refuses diffs that delete or rename files', () => {
    const del =
      '```diff\n--- a/model.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-ORDER = 2\n-SMOOTHING = "add-k"\n```\n';
    assert.throws(
      () => applyAnswer(del, current),
      (e) => isSearcherError(e, 'diff_malformed'),
    );
    const rename =
      '```diff\n--- a/model.py\n+++ b/other.py\n@@ -1 +1 @@\n-ORDER = 2\n+ORDER = 3\n```\n';
    assert.throws(
      () => applyAnswer(rename, current),
      (e) => isSearcherError(e, 'diff_malformed'),
    );
  });
});
