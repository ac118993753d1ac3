import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SearchParam } from '@nightshift/protocol';
import { bytes, text, tinyLmFiles, tinyLmTarget } from '../../testing/index.ts';
import { isSearcherError } from '../errors.ts';
import {
  findSetting,
  formatNumber,
  parseNumber,
  readSettings,
  replaceSetting,
  writeSettings,
} from './settings-file.ts';

const param = (kind: SearchParam['kind'], name = 'X'): SearchParam => ({
  name,
  file: 'a.py',
  kind,
  min: 0.001,
  max: 4,
  choices: [],
});

describe('settings lines', () => {
  it('reads every tiny-lm setting as written, quotes included', () => {
    const { searchSpace } = tinyLmTarget();
    assert.deepEqual(readSettings(searchSpace, tinyLmFiles()), {
      ADAPT: 'False',
      ALPHA: '1.0',
      DISCOUNT: '0.75',
      ORDER: '2',
      SMOOTHING: '"add-k"',
    });
  });

  it('replaces only the value, keeping spacing and the trailing comment', () => {
    const source = 'import os\nORDER   =  2   # n of the n-gram\nX = ORDER\n';
    assert.equal(
      replaceSetting(source, 'ORDER', '5'),
      'import os\nORDER   =  5   # n of the n-gram\nX = ORDER\n',
    );
  });

  it('finds quoted values that contain a hash, and values without a comment', () => {
    assert.equal(findSetting('S = "a#b"  # note\n', 'S')?.value, '"a#b"');
    assert.equal(findSetting("S = 'x'\r\n", 'S')?.value, "'x'");
    assert.equal(findSetting('S = [1, 2]\n', 'S')?.value, '[1, 2]');
  });

  it('ignores indented lines, other names that share a prefix, and comments', () => {
    const source = '# ORDER = 9\nORDERS = 7\n    ORDER = 8\nORDER = 3\n';
    assert.equal(findSetting(source, 'ORDER')?.value, '3');
  });

  it('writes several settings of one file into one changed file', () => {
    const { searchSpace } = tinyLmTarget();
    const changed = writeSettings(searchSpace, tinyLmFiles(), {
      ORDER: '5',
      SMOOTHING: '"kneser-ney"',
    });
    assert.deepEqual([...changed.keys()], ['model.py']);
    const written = text(changed.get('model.py'));
    assert.match(written, /^ORDER = 5 {2}# n of the n-gram/m);
    assert.match(written, /^SMOOTHING = "kneser-ney" {2}# "add-k", "witten-bell"/m);
    assert.equal(
      written.split('\n').length,
      text(tinyLmFiles().get('model.py')).split('\n').length,
    );
  });

  it('reports a missing setting line and a missing file with setting_not_found', () => {
    const space = [param('int')];
    const missingLine = new Map([['a.py', bytes('Y = 1\n')]]);
    assert.throws(
      () => readSettings(space, missingLine),
      (e) => isSearcherError(e, 'setting_not_found'),
    );
    assert.throws(
      () => readSettings(space, new Map()),
      (e) => isSearcherError(e, 'setting_not_found'),
    );
  });

  it('parses plain number literals only', () => {
    assert.equal(parseNumber(param('int'), '-3'), -3);
    assert.equal(parseNumber(param('float'), '.5'), 0.5);
    assert.equal(parseNumber(param('log-float'), '1e-3'), 0.001);
    assert.throws(
      () => parseNumber(param('int'), '2.0'),
      (e) => isSearcherError(e, 'setting_unparseable'),
    );
    assert.throws(
      () => parseNumber(param('float'), '1/3'),
      (e) => isSearcherError(e, 'setting_unparseable'),
    );
  });

  it('formats ints as ints and floats compactly, always readable back as floats', () => {
    assert.equal(formatNumber(param('int'), 4.6), '5');
    assert.equal(formatNumber(param('float'), 1), '1.0');
    assert.equal(formatNumber(param('float'), 0.123456), '0.123');
    assert.equal(formatNumber(param('log-float'), 0.000012345), '0.0000123');
    assert.equal(formatNumber(param('log-float'), 1.2345e-7), '1.23e-7');
  });
});
