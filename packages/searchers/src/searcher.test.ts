import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytes, tinyLmFiles, tinyLmTarget } from '../testing/index.ts';
import { isSearcherError } from './errors.ts';
import { createSearcher } from './index.ts';
import { checkProposal, MAX_DESCRIPTION_CHARS, oneLine } from './searcher.ts';

describe('proposals', () => {
  const target = tinyLmTarget({ mutablePaths: ['model.py', 'extra/'] });
  const current = tinyLmFiles();

  it('keeps only the files whose bytes changed', () => {
    const files = new Map([
      ['model.py', current.get('model.py')!],
      ['extra/helper.py', bytes('x = 1\n')],
    ]);
    const checked = checkProposal(target, current, { files, description: 'add a helper' });
    assert.deepEqual([...checked.files.keys()], ['extra/helper.py']);
  });

  it('lists every path outside the mutable paths, or not a valid path, as forbidden_path', () => {
    const files = new Map([
      ['harness/score.py', bytes('')],
      ['extra/../harness/score.py', bytes('')],
      ['extra', bytes('')],
      ['model.py', bytes('ORDER = 3\n')],
    ]);
    assert.throws(
      () => checkProposal(target, current, { files, description: 'x' }),
      (err) => {
        assert.ok(isSearcherError(err, 'forbidden_path'));
        assert.deepEqual(err.details.paths, [
          'harness/score.py',
          'extra/../harness/score.py',
          'extra',
        ]);
        return true;
      },
    );
  });

  it('fails with no_change when nothing differs', () => {
    const files = new Map([['model.py', current.get('model.py')!]]);
    assert.throws(
      () => checkProposal(target, current, { files, description: 'x' }),
      (e) => isSearcherError(e, 'no_change'),
    );
  });

  it('makes the description one printable line of at most 200 characters', () => {
    assert.equal(oneLine('  two\nlines\twith\u0007 bell '), 'two lines with bell');
    assert.equal([...oneLine('é'.repeat(500))].length, MAX_DESCRIPTION_CHARS);
    assert.equal(oneLine('\n'), 'no description');
  });

  it('creates each searcher by name and refuses unknown names', () => {
    assert.equal(createSearcher('evolve').name, 'evolve');
    assert.equal(createSearcher('command', { argv: ['true'] }).name, 'command');
    assert.equal(createSearcher('llm', { url: 'http://127.0.0.1:1', model: 'm' }).name, 'llm');
    assert.throws(
      () => createSearcher('magic'),
      (e) => isSearcherError(e, 'unknown_searcher'),
    );
  });
});
