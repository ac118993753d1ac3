/**
 * The degraded mode, where no cgroup can be made and no tmpfs mounted (not root, or a cgroup
 * v2 tree without delegated controllers): limits are polled, and still stop a fork bomb, a
 * memory hog and a file flood, each named by its outcome, with a warning on every run.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Limits } from '@nightshift/protocol';
import { MemorySource, requireBubblewrap, testTarget } from '../testing/index.ts';
import { HONEST_METRIC, HONEST_TRAIN_PY, targetFiles } from '../testing/targets.ts';
import { Runner, type RunResult } from './runner.ts';

const scratch = await mkdtemp(join(tmpdir(), 'nightshift-fallback-'));
// Searchable by others, so that a root runner's sandbox users can reach their scratch dirs.
await chmod(scratch, 0o711);
after(() => rm(scratch, { recursive: true, force: true }));
const source = new MemorySource();
const runner = new Runner(
  { scratchDir: scratch, cgroups: false, tmpfsOutput: false, pollMs: 50 },
  { source },
);

function polled(train: string, limits: Partial<Limits> = {}): Promise<RunResult> {
  const { hash } = source.add(targetFiles(train));
  const all = { wallSeconds: 20, memoryMb: 64, outputMb: 2, processes: 16, ...limits };
  return runner.run({ target: testTarget({ limits: all }), tree: hash, seed: 1 });
}

describe('Runner without cgroups or tmpfs (polled limits)', () => {
  it('runs an honest candidate and says the limits were only polled', async (t) => {
    if (!requireBubblewrap(t)) return;
    const result = await polled(HONEST_TRAIN_PY);
    assert.deepEqual(result.outcome, { kind: 'ok', metric: HONEST_METRIC });
    const { enforcement, sandboxUser } = result.receipt;
    assert.equal(enforcement.memory, 'polled');
    assert.equal(enforcement.outputFiles, 'polled');
    // RLIMIT_NPROC bounds tasks wherever the sandbox has a uid of its own (or the runner is not root).
    assert.equal(enforcement.tasks, sandboxUser || process.getuid?.() !== 0 ? 'rlimit' : 'polled');
    assert.ok(result.warnings.some((w) => /memory limits were polled/.test(w)));
    assert.ok(result.warnings.some((w) => /output files were measured by polling/.test(w)));
  });

  it('stops a fork bomb at the process limit where RLIMIT_NPROC bounds it', async (t) => {
    if (!requireBubblewrap(t)) return;
    const probe = await polled(HONEST_TRAIN_PY);
    if (probe.receipt.enforcement.tasks !== 'rlimit') {
      // Polling alone is no safe bound for an exponential fork bomb on a shared machine.
      t.skip('tasks are only polled here (root without a sandbox user): not running a fork bomb');
      return;
    }
    const bomb =
      'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n';
    const result = await polled(bomb);
    assert.deepEqual(result.outcome, { kind: 'process-limit', phase: 'run', limit: 16 });
  });

  it('stops a process that starts too many processes at the process limit', async (t) => {
    if (!requireBubblewrap(t)) return;
    // A bounded spawner: polling alone is not a safe bound for an exponential fork bomb on a
    // machine shared with other work (see the README); with cgroups the kernel bounds it.
    // It outlives refused forks: with RLIMIT_NPROC and no cgroup, a refusal leaves no trace
    // but the count the poll sees (README, "Limits").
    const spawner = `import subprocess, sys, time
children = []
for _ in range(40):
    try:
        children.append(subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']))
    except OSError:
        pass
time.sleep(30)
`;
    const result = await polled(spawner);
    assert.deepEqual(result.outcome, { kind: 'process-limit', phase: 'run', limit: 16 });
  });

  it('stops a memory hog at the memory limit', async (t) => {
    if (!requireBubblewrap(t)) return;
    const result = await polled('chunks = []\nwhile True:\n    chunks.append(b"x" * (8 << 20))\n');
    assert.deepEqual(result.outcome, { kind: 'out-of-memory', phase: 'run', limitMb: 64 });
  });

  it('stops a file flood at the output limit', async (t) => {
    if (!requireBubblewrap(t)) return;
    const flood = `import os
out = os.environ['NIGHTSHIFT_OUTPUT']
for i in range(10000):
    open(os.path.join(out, f'part{i}'), 'wb').write(b'x' * (1 << 20))
`;
    const result = await polled(flood);
    assert.deepEqual(result.outcome, { kind: 'output-limit', phase: 'run', limitMb: 2 });
  });

  it('stops a single file larger than the output limit (RLIMIT_FSIZE)', async (t) => {
    if (!requireBubblewrap(t)) return;
    const big = `import os
with open(os.path.join(os.environ['NIGHTSHIFT_OUTPUT'], 'big'), 'wb') as f:
    for i in range(100):
        f.write(b'x' * (1 << 20))
`;
    const result = await polled(big);
    assert.deepEqual(result.outcome, { kind: 'output-limit', phase: 'run', limitMb: 2 });
  });
});
