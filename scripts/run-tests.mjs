// Runs every *.test.ts in the tree with node's test runner. Node 20 does not expand globs,
// so the files are listed here; extra arguments (a path filter) narrow the run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const roots = ['protocol', 'packages', 'node', 'verifier', 'test', 'scripts'];
const skip = new Set(['node_modules', 'fixtures', '.git']);

function findTests(dir) {
  let found = [];
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found = found.concat(findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const filters = process.argv.slice(2);
const files = roots
  .filter((root) => existsSync(root))
  .flatMap((root) => findTests(root))
  .map((file) => relative('.', file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

// Beside the spec output, each file's queued tests are checked against its completed ones
// (test-completion.mjs): a file that stops part way without a failure fails the run here.
// Most test files wait on sockets, child processes and timers as much as they compute, so two
// run at once even on a machine with two cores (node's own default there is one at a time).
const concurrency = Math.max(2, availableParallelism() - 1);
const scratch = mkdtempSync(join(tmpdir(), 'nightshift-test-run-'));
const completion = join(scratch, 'completion.jsonl');
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-force-exit',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${fileURLToPath(new URL('./test-completion.mjs', import.meta.url))}`,
    '--test-reporter-destination=/dev/null',
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, NIGHTSHIFT_TEST_COMPLETION: completion } },
);
const reported = new Map();
if (existsSync(completion)) {
  for (const line of readFileSync(completion, 'utf8').split('\n').filter(Boolean)) {
    const { file, unfinished } = JSON.parse(line);
    reported.set(relative('.', file), unfinished);
  }
}
rmSync(scratch, { recursive: true, force: true });
const problems = files.flatMap((file) => {
  const unfinished = reported.get(file);
  if (!unfinished) return [`${file}: never finished (its process ended before it reported)`];
  return unfinished.length > 0 ? [`${file}: ended before ${unfinished.join(', ')}`] : [];
});
if (problems.length > 0) {
  console.error(`\n✖ ${problems.length} test file(s) stopped part way:`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
