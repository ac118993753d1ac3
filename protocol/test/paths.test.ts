/**
 * Path rules (validation/paths.ts): one spelling per file, nothing that escapes a workspace,
 * and the file-or-directory patterns that name mutable and held-out paths.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isPrintableLine,
  isValidPath,
  isValidPathPattern,
  LIMITS,
  matchesAny,
  matchesPattern,
  patternsOverlap,
} from '../src/index.ts';

describe('isValidPath', () => {
  it('accepts relative, slash-separated paths, non-ASCII included', () => {
    for (const path of [
      'a',
      'train.py',
      'data/held out/x.txt',
      'é/ü.md',
      '.hidden',
      'a..b',
      '...',
    ]) {
      assert.equal(isValidPath(path), true, path);
    }
  });

  it('refuses empty, dot and dot-dot segments', () => {
    for (const path of ['', '/', '/a', 'a/', 'a//b', '.', '..', './a', 'a/.', '../a', 'a/../b']) {
      assert.equal(isValidPath(path), false, JSON.stringify(path));
    }
  });

  it('refuses backslashes and control characters, DEL included', () => {
    for (const path of ['a\\b', 'a\nb', 'a\0b', 'a\tb', 'a\u001fb', 'a\u007fb']) {
      assert.equal(isValidPath(path), false, JSON.stringify(path));
    }
  });

  it('counts the length limit in UTF-8 bytes, not characters', () => {
    assert.equal(isValidPath('a'.repeat(LIMITS.pathBytes)), true);
    assert.equal(isValidPath('a'.repeat(LIMITS.pathBytes + 1)), false);
    // 513 two-byte characters: 513 characters, 1026 bytes.
    assert.equal(isValidPath('é'.repeat(LIMITS.pathBytes / 2 + 1)), false);
  });
});

describe('path patterns', () => {
  it('are a valid path, or a valid path with one trailing slash for a directory', () => {
    assert.equal(isValidPathPattern('train.py'), true);
    assert.equal(isValidPathPattern('data/'), true);
    assert.equal(isValidPathPattern('data//'), false);
    assert.equal(isValidPathPattern('/'), false);
    assert.equal(isValidPathPattern('../'), false);
  });

  it('match a file exactly, or everything under a directory', () => {
    assert.equal(matchesPattern('train.py', 'train.py'), true);
    assert.equal(matchesPattern('train.py.bak', 'train.py'), false);
    assert.equal(matchesPattern('data/a/b.txt', 'data/'), true);
    assert.equal(matchesPattern('data', 'data/'), false);
    assert.equal(matchesPattern('database.txt', 'data/'), false);
    assert.equal(matchesAny('data/x', ['train.py', 'data/']), true);
    assert.equal(matchesAny('score.py', ['train.py', 'data/']), false);
    assert.equal(matchesAny('score.py', []), false);
  });

  it('overlap when some path could match both', () => {
    assert.equal(patternsOverlap('data/', 'data/heldout.txt'), true);
    assert.equal(patternsOverlap('data/heldout.txt', 'data/'), true);
    assert.equal(patternsOverlap('data/', 'data/sub/'), true);
    assert.equal(patternsOverlap('a.txt', 'a.txt'), true);
    assert.equal(patternsOverlap('data/', 'data2/'), false);
    assert.equal(patternsOverlap('train.py', 'data/'), false);
  });
});

describe('isPrintableLine', () => {
  it('accepts one line of text in any script, and the empty line', () => {
    for (const text of ['', 'lower lr to 3e-4', 'ρ → 0.5 😀', '"quoted" \\ back']) {
      assert.equal(isPrintableLine(text), true, text);
    }
  });

  it('refuses newlines, NUL, escape and DEL', () => {
    for (const text of ['two\nlines', 'cr\r', 'nul\0', 'esc\u001b[31m', 'del\u007f']) {
      assert.equal(isPrintableLine(text), false, JSON.stringify(text));
    }
  });
});

describe('isValidPath, beyond ASCII', () => {
  it('refuses what a printable line refuses: C1 controls and line separators', () => {
    for (const path of ['a\u0085b', 'dir/\u2028', 'x\u009b']) {
      assert.equal(isValidPath(path), false, JSON.stringify(path));
    }
  });
});

describe('isPrintableLine, beyond ASCII', () => {
  it('refuses C1 control characters and the Unicode line and paragraph separators', () => {
    for (const text of ['a\u0085b', 'a\u009bb', 'a\u2028b', 'a\u2029b']) {
      assert.equal(isPrintableLine(text), false, JSON.stringify(text));
    }
    assert.equal(isPrintableLine('\u00a0non-breaking space and \u00e9'), true);
  });
});
