import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LastLineMatch, MAX_LINE_CHARS, StreamTail } from './capture.ts';
import { checkMetric, parseMetricText, readJsonMetric } from './metric.ts';

const scratch = await mkdtemp(join(tmpdir(), 'nightshift-metric-'));
after(() => rm(scratch, { recursive: true, force: true }));

describe('metric text', () => {
  it('parses numbers as programs print them, NaN and infinities included', () => {
    assert.equal(parseMetricText('1.25'), 1.25);
    assert.equal(parseMetricText(' -3e-2 '), -0.03);
    assert.equal(parseMetricText('.5'), 0.5);
    assert.ok(Number.isNaN(parseMetricText('nan')));
    assert.equal(parseMetricText('-inf'), Number.NEGATIVE_INFINITY);
    assert.equal(parseMetricText('Infinity'), Number.POSITIVE_INFINITY);
    for (const text of ['', '1.2.3', '0x10', '1,5', 'one'])
      assert.equal(parseMetricText(text), undefined, text);
  });

  it('turns a metric into ok or the reason it is bad', () => {
    assert.deepEqual(checkMetric('2.5'), { kind: 'ok', metric: 2.5 });
    assert.deepEqual(checkMetric('abc'), {
      kind: 'bad-metric',
      value: 'abc',
      reason: 'not-a-number',
    });
    assert.equal((checkMetric('NaN') as { reason: string }).reason, 'nan');
    assert.equal((checkMetric('inf') as { reason: string }).reason, 'infinite');
    assert.deepEqual(checkMetric(7, { min: 0, max: 5 }), {
      kind: 'bad-metric',
      value: 7,
      reason: 'out-of-range',
    });
    assert.deepEqual(checkMetric(5, { min: 0, max: 5 }), { kind: 'ok', metric: 5 });
  });
});

describe('LastLineMatch', () => {
  it('keeps group 1 of the last matching line, across chunk boundaries and multi-byte characters', () => {
    const match = new LastLineMatch(/^bpc=(\S+) ✓$/u);
    const text = Buffer.from('bpc=9 ✓\nnoise\r\nbpc=1.5 ✓\r\nbpc=oops\nbpc=1.25 ✓');
    for (let i = 0; i < text.length; i += 3) match.push(text.subarray(i, i + 3));
    assert.equal(match.end(), '1.25');
  });

  it('matches an overlong line on its beginning only and keeps memory bounded', () => {
    const match = new LastLineMatch(/^score: (\d+)/u);
    match.push(Buffer.from('score: 7'));
    for (let i = 0; i < 100; i++) match.push(Buffer.alloc(MAX_LINE_CHARS, 'x'));
    match.push(Buffer.from('\nscore: 8 ', 'utf8'));
    assert.equal(match.end(), '8');
  });
});

describe('StreamTail', () => {
  it('counts every byte and keeps only the tail, cut at a line', () => {
    const tail = new StreamTail(16);
    for (let i = 0; i < 100; i++) tail.push(Buffer.from(`line ${i}\n`));
    assert.equal(tail.bytes, 790);
    assert.equal(tail.text(), 'line 98\nline 99\n');
  });
});

describe('readJsonMetric', () => {
  const spec = {
    name: 'bpc',
    direction: 'minimize',
    source: 'json-file',
    pattern: 'eval.bpc',
    file: 'm.json',
  } as const;

  it('reads the number at the key path', async () => {
    const dir = join(scratch, 'ok');
    await mkdir(dir);
    await writeFile(join(dir, 'm.json'), JSON.stringify({ eval: { bpc: 1.5 } }));
    assert.deepEqual(await readJsonMetric(dir, spec), { found: true, text: 1.5 });
  });

  it('says why there is no metric: no file, not JSON, no key, not a number, a link out of the directory', async () => {
    const cases: [string, string | undefined][] = [
      ['missing', undefined],
      ['not-json', '{"eval": '],
      ['no-key', '{"eval": {}}'],
      ['not-number', '{"eval": {"bpc": [1]}}'],
    ];
    for (const [name, content] of cases) {
      const dir = join(scratch, name);
      await mkdir(dir);
      if (content !== undefined) await writeFile(join(dir, 'm.json'), content);
      assert.equal((await readJsonMetric(dir, spec)).found, false, name);
    }
    const linked = join(scratch, 'linked');
    await mkdir(linked);
    await writeFile(join(scratch, 'outside.json'), '{"eval": {"bpc": 0}}');
    await symlink(join(scratch, 'outside.json'), join(linked, 'm.json'));
    assert.deepEqual(await readJsonMetric(linked, spec), {
      found: false,
      reason: 'm.json leaves the output',
    });
  });
});
