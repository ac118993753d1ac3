import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSearcherError } from '../errors.ts';
import { applyPatch, parseUnifiedDiff } from './unified-diff.ts';

const FILE = 'a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n';

function apply(original: string, diff: string): string {
  const [patch] = parseUnifiedDiff(diff);
  return applyPatch(original, patch!, 'f.py');
}

describe('unified diff', () => {
  it('applies a hunk whose context and removed lines match', () => {
    const diff = '--- a/f.py\n+++ b/f.py\n@@ -2,3 +2,3 @@\n b = 2\n-c = 3\n+c = 30\n d = 4\n';
    assert.equal(apply(FILE, diff), 'a = 1\nb = 2\nc = 30\nd = 4\ne = 5\n');
  });

  it('finds a hunk whose header line numbers are wrong, by its exact lines', () => {
    const diff = '--- a/f.py\n+++ b/f.py\n@@ -40,2 +40,2 @@\n-d = 4\n+d = 40\n e = 5\n';
    assert.equal(apply(FILE, diff), 'a = 1\nb = 2\nc = 3\nd = 40\ne = 5\n');
  });

  it('applies several hunks in order, and uses the line number when lines occur twice', () => {
    const twice = 'x\ny\nx\ny\n';
    const diff = '--- a/f\n+++ b/f\n@@ -3,2 +3,2 @@\n x\n-y\n+z\n';
    assert.equal(apply(twice, diff), 'x\ny\nx\nz\n');
    const two =
      '--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-a = 1\n+a = 10\n@@ -5,1 +5,2 @@\n e = 5\n+f = 6\n';
    assert.equal(apply(FILE, two), 'a = 10\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\n');
  });

  it('refuses a hunk whose context differs, even by whitespace', () => {
    const diff = '--- a/f.py\n+++ b/f.py\n@@ -2,2 +2,2 @@\n b =  2\n-c = 3\n+c = 30\n';
    assert.throws(
      () => apply(FILE, diff),
      (e) => isSearcherError(e, 'diff_does_not_apply'),
    );
  });

  it('keeps or drops the final newline as the markers say', () => {
    const add = '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n';
    assert.equal(apply('x', add), 'y\n');
    const drop = '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n\\ No newline at end of file\n';
    assert.equal(apply('x\n', drop), 'y');
  });

  it('creates a file from /dev/null and keeps CRLF line endings', () => {
    const create = '--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,2 @@\n+one\n+two\n';
    assert.equal(apply('', create), 'one\ntwo\n');
    const crlf = '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n';
    assert.equal(apply('a\r\nb\r\n', crlf), 'A\r\nb\r\n');
  });

  it('treats blank lines in a hunk as empty context, except after the last hunk', () => {
    const diff = '--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n x\n\n-y\n+z\n\n\n';
    assert.equal(apply('x\n\ny\n', diff), 'x\n\nz\n');
  });

  it('reports a missing header, a bad hunk line and an empty hunk as diff_malformed', () => {
    for (const diff of [
      '@@ -1 +1 @@\n-a\n+b\n',
      '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n*b\n',
      '--- a/f\n+++ b/f\n@@ -1 +1 @@\n a\n',
      '--- a/f\n+++ b/f\n',
      'just prose\n',
    ]) {
      assert.throws(
        () => parseUnifiedDiff(diff),
        (e) => isSearcherError(e, 'diff_malformed'),
        diff,
      );
    }
  });
});
