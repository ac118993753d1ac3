// A node:test reporter for scripts/run-tests.mjs: which tests each file queued but never
// completed. A test file whose process ends part way without a failure (an exit from the code
// under test, a kill that reports no error) just reports fewer tests, and the run still
// passes; comparing what each file queued with what it completed catches that.
//
// As each file ends, one JSON line { file, unfinished: [test name, ...] } goes to the
// reporter's destination and is also appended, at once and synchronously, to the file named
// by NIGHTSHIFT_TEST_COMPLETION: --test-force-exit ends the process as soon as the last test
// does, before a reporter's stream is flushed.
import { appendFileSync } from 'node:fs';

const out = process.env.NIGHTSHIFT_TEST_COMPLETION;

export default async function* completion(source) {
  /** file → (nesting and name → queued minus completed) */
  const open = new Map();
  for await (const { type, data } of source) {
    if (type !== 'test:enqueue' && type !== 'test:complete') continue;
    if (!data?.file) continue;
    // The file's own entry (named by its path) ends when its process does.
    if (data.nesting === 0 && data.name === data.file) {
      if (type === 'test:complete') yield finished(data.file, open.get(data.file));
      continue;
    }
    const counts = open.get(data.file) ?? new Map();
    open.set(data.file, counts);
    const key = `${data.nesting}\u0000${data.name}`;
    counts.set(key, (counts.get(key) ?? 0) + (type === 'test:enqueue' ? 1 : -1));
  }
}

function finished(file, counts = new Map()) {
  const unfinished = [...counts]
    .filter(([, left]) => left > 0)
    .map(([key]) => key.slice(key.indexOf('\u0000') + 1));
  const line = `${JSON.stringify({ file, unfinished })}\n`;
  if (out) appendFileSync(out, line);
  return line;
}
