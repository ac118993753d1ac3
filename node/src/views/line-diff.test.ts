import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { diffLines, MAX_EDITS, splitLines, unifiedDiff } from './line-diff.ts';

const scratch = mkdtempSync(join(tmpdir(), 'nightshift-line-diff-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Length of the longest common subsequence, the classic table: the shortest script's bound. */
function lcs(a: string[], b: string[]): number {
  const row = new Array(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.length];
}

/** A deterministic pseudo-random text of lines drawn from a small alphabet. */
function randomText(seed: number, lines: number): string {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  const out = Array.from({ length: lines }, () => `line ${'abcde'[next() % 5]}\n`).join('');
  return next() % 4 === 0 ? out.replace(/\n$/, '') : out;
}

describe('line diff', () => {
  it('splits lines keeping their line feeds, the last one without when the text has none', () => {
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('a\nb'), ['a\n', 'b']);
    assert.deepEqual(splitLines('a\n\n'), ['a\n', '\n']);
  });

  it('finds a shortest edit script that turns one text into the other', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const a = splitLines(randomText(seed, seed % 13));
      const b = splitLines(randomText(seed * 7 + 3, (seed * 5) % 11));
      const edits = diffLines(a, b);
      assert.deepEqual(
        edits.filter((e) => e.kind !== 'insert').map((e) => e.line),
        a,
      );
      assert.deepEqual(
        edits.filter((e) => e.kind !== 'delete').map((e) => e.line),
        b,
      );
      const equal = edits.filter((e) => e.kind === 'equal').length;
      assert.equal(equal, lcs(a, b), `seed ${seed}`);
    }
  });

  it('prints hunks with context and line numbers as diff -u does', () => {
    const old = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n';
    const now = old.replace('two\n', 'TWO\n').replace('nine\n', '');
    assert.equal(
      unifiedDiff(old, now, { oldName: 'a/f', newName: 'b/f', context: 1 }),
      '--- a/f\n+++ b/f\n' +
        '@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n' +
        '@@ -8,3 +8,2 @@\n eight\n-nine\n ten\n',
    );
  });

  it('marks a last line without a line feed, and numbers an empty side from 0', () => {
    assert.equal(
      unifiedDiff('', 'x', { oldName: '/dev/null', newName: 'b/f' }),
      '--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+x\n\\ No newline at end of file\n',
    );
    assert.equal(
      unifiedDiff('x\n', 'x', { oldName: 'a/f', newName: 'b/f' }),
      '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+x\n\\ No newline at end of file\n',
    );
    assert.equal(unifiedDiff('same\n', 'same\n', { oldName: 'a/f', newName: 'b/f' }), '');
  });

  it('writes diffs that patch(1) applies to give the new text', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const old = randomText(seed, 30);
      const now = randomText(seed + 1000, 25);
      if (old === now) continue;
      writeFileSync(join(scratch, 'old'), old);
      writeFileSync(
        join(scratch, 'diff'),
        unifiedDiff(old, now, { oldName: 'a/f', newName: 'b/f' }),
      );
      execFileSync('patch', [
        '-s',
        '-o',
        join(scratch, 'new'),
        join(scratch, 'old'),
        join(scratch, 'diff'),
      ]);
      assert.equal(readFileSync(join(scratch, 'new'), 'utf8'), now, `seed ${seed}`);
    }
  });

  it('replaces every line past MAX_EDITS differences instead of searching on', () => {
    const a = Array.from({ length: MAX_EDITS }, (_, i) => `a${i}\n`);
    const b = Array.from({ length: MAX_EDITS }, (_, i) => `b${i}\n`);
    const edits = diffLines(a, b);
    assert.equal(edits.length, 2 * MAX_EDITS);
    assert.ok(edits.every((e) => e.kind !== 'equal'));
  });
});
