import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { testContext, text } from '../../testing/index.ts';
import { isSearcherError, type SearcherError } from '../errors.ts';
import type { JournalEntry } from '../searcher.ts';
import { type CommandOptions, CommandSearcher } from './command.ts';

const shell = (script: string, options: Partial<CommandOptions> = {}) =>
  new CommandSearcher({ argv: ['sh', '-c', script], timeoutMs: 10_000, ...options });

const journal: JournalEntry[] = [
  { n: 1, description: 'ORDER 2 -> 3', status: 'keep', metric: 2.9, seconds: 4 },
  {
    n: 2,
    description: 'SMOOTHING "add-k" -> "absolute"',
    status: 'discard',
    metric: 3.1,
    seconds: 5,
  },
];

const rejectsWith = (code: SearcherError['code']) => (err: unknown) => isSearcherError(err, code);

describe('command searcher', () => {
  it('proposes the mutable file the command edited, described by its DESCRIPTION line', async () => {
    const searcher = shell(
      'sed -i "s/^ORDER = 2/ORDER = 5/" model.py && echo "DESCRIPTION: order five"',
    );
    const proposal = await searcher.propose(testContext());
    assert.deepEqual([...proposal.files.keys()], ['model.py']);
    assert.match(text(proposal.files.get('model.py')), /^ORDER = 5 {2}#/m);
    assert.equal(proposal.description, 'order five');
    assert.deepEqual(proposal.warnings, []);
  });

  it('gives the command program.md, journal.md and results.tsv to read', async () => {
    const searcher = shell('cat program.md journal.md results.tsv > model.py');
    const written = text((await searcher.propose(testContext({ journal }))).files.get('model.py'));
    assert.match(written, /^# tiny-lm: instructions for a research agent/);
    assert.match(written, /2 experiments: 1 kept, 1 discarded, 0 crashed\./);
    assert.match(written, /^2\t3\.1\tdiscard\t5\.0\tSMOOTHING "add-k" -> "absolute"$/m);
  });

  it('passes the prompt in place of {prompt}, or on stdin when there is no placeholder', async () => {
    const placeholder = new CommandSearcher({
      argv: ['sh', '-c', 'printf "%s" "$1" > model.py', 'sh', 'Prompt: {prompt}'],
      prompt: 'ORDER = 7',
    });
    assert.equal(
      text((await placeholder.propose(testContext())).files.get('model.py')),
      'Prompt: ORDER = 7',
    );
    const stdin = shell('cat > model.py', { prompt: 'ORDER = 8\n' });
    assert.equal(text((await stdin.propose(testContext())).files.get('model.py')), 'ORDER = 8\n');
  });

  it('discards and reports changes outside the mutable paths', async () => {
    const searcher = shell(
      'echo "# edited" >> program.md; echo x > notes.txt; mkdir -p cache/deep; touch cache/deep/a; ' +
        'echo "# tuned" >> model.py; echo "| n |" >> journal.md',
    );
    const proposal = await searcher.propose(testContext());
    assert.deepEqual([...proposal.files.keys()], ['model.py']);
    assert.deepEqual(proposal.warnings, [
      { code: 'discarded_changes', paths: ['cache/', 'notes.txt', 'program.md'] },
    ]);
  });

  it('fails with no_change, naming the discarded paths, when only forbidden files changed', async () => {
    const searcher = shell('echo "# edited" >> program.md');
    await assert.rejects(searcher.propose(testContext()), (err) => {
      assert.ok(isSearcherError(err, 'no_change'));
      assert.deepEqual(err.details.paths, ['program.md']);
      return true;
    });
  });

  it('fails with no_change when the command changes nothing', async () => {
    await assert.rejects(shell('true').propose(testContext()), rejectsWith('no_change'));
  });

  it('fails with command_failed on a non-zero exit or a command that does not exist', async () => {
    const failing = shell('echo "# tuned" >> model.py; echo oops >&2; exit 3');
    await assert.rejects(failing.propose(testContext()), (err) => {
      assert.ok(isSearcherError(err, 'command_failed'));
      assert.match(err.message, /exit 3/);
      assert.equal(err.details.output, 'oops\n');
      return true;
    });
    const missing = new CommandSearcher({ argv: ['/nonexistent/agent', '{prompt}'] });
    await assert.rejects(missing.propose(testContext()), rejectsWith('command_failed'));
  });

  it('kills the whole process group of a command that hangs past its timeout', async () => {
    const started = Date.now();
    const hanging = shell('sleep 30 & echo "$!"; wait', { timeoutMs: 500 });
    await assert.rejects(hanging.propose(testContext()), (err) => {
      assert.ok(isSearcherError(err, 'command_timeout'));
      const child = Number(err.details.output);
      assert.ok(!isRunning(child), `background sleep ${child} still runs`);
      return true;
    });
    assert.ok(Date.now() - started < 5000);
  });

  it('stops with aborted when the signal fires mid-run', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const searcher = shell('sleep 30');
    await assert.rejects(
      searcher.propose(testContext({ signal: controller.signal })),
      rejectsWith('aborted'),
    );
  });
});

/** Alive and not a zombie (a killed orphan may wait for a reaper that never comes). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
