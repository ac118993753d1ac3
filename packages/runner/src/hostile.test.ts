/**
 * The hostile-candidate corpus: each attack runs as candidate code under the real sandbox and
 * must be contained, reported with the right outcome, and leave the host as it was (no file
 * written or read outside the scratch directory, no process, mount or cgroup left behind).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Target } from '@nightshift/protocol';
import { MemorySource, requireBubblewrap, testTarget } from '../testing/index.ts';
import {
  GUESS_E_METRIC,
  HELD_OUT,
  HONEST_METRIC,
  HONEST_TRAIN_PY,
  PREDICT_SCORE_PY,
  SCORE_PY,
  targetFiles,
} from '../testing/targets.ts';
import { Runner, type RunnerOptions, type RunResult } from './runner.ts';

const scratch = await mkdtemp(join(tmpdir(), 'nightshift-hostile-'));
// Searchable by others, so that a root runner's sandbox users can reach their scratch dirs.
await chmod(scratch, 0o711);
/** On every process a candidate starts, so that survivors can be found on the host. */
const MARKER = `nightshift-hostile-${randomBytes(4).toString('hex')}`;
const source = new MemorySource();

after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function attack(
  train: string,
  {
    target = {},
    options = {},
    extra = {},
  }: { target?: Partial<Target>; options?: RunnerOptions; extra?: Record<string, string> } = {},
): Promise<RunResult> {
  const { hash } = source.add(targetFiles(train, extra));
  const runner = new Runner({ scratchDir: scratch, pollMs: 50, ...options }, { source });
  return runner.run({
    target: testTarget({ run: ['python3', 'train.py', MARKER], ...target }),
    tree: hash,
    seed: 1,
  });
}

const runLog = (result: RunResult) => result.logs.find((l) => l.phase === 'run')!.stdoutTail;

/** Processes on the host whose command line holds the marker. */
async function survivors(): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(MARKER)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`);
  }
  return found;
}

async function hostIsClean(): Promise<void> {
  assert.deepEqual(await survivors(), []);
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  assert.ok(!mounts.includes(scratch), 'no output tmpfs is left mounted');
  const runs = (await readdir(scratch)).filter((name) => name.startsWith('nightshift-run-'));
  assert.deepEqual(runs, [], 'every scratch directory is removed');
}

/**
 * Python that runs `hunt` with a `try_read(path)` that prints `LEAKED <path>` (to `out`) for
 * each path that holds the held-out text. Opens never block (FIFOs, ttys).
 */
const tryRead = (hunt: string, out = 'sys.stdout') => `
import glob, os, sys
def try_read(path):
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            if ${JSON.stringify(HELD_OUT)}.encode() in os.read(fd, 1 << 20):
                print('LEAKED', path, file=${out}, flush=True)
        finally:
            os.close(fd)
    except Exception:
        pass
${hunt}
print('attack done', file=${out}, flush=True)
`;

/** Every way to reach the held-out file from a sandbox: by path, via the host's scratch
 *  directory, via any process's root, cwd or open files in /proc, via the peer of stdin. */
const HUNT = `
for path in ['data/heldout.txt', '/nightshift/tree/data/heldout.txt', '../score/data/heldout.txt']:
    try_read(path)
for path in glob.glob(${JSON.stringify(scratch)} + '/**/heldout.txt', recursive=True):
    try_read(path)
for pid in os.listdir('/proc'):
    if pid.isdigit():
        for sub in ['root/nightshift/tree/data/heldout.txt', 'cwd/data/heldout.txt']:
            try_read(f'/proc/{pid}/{sub}')
        for fd in glob.glob(f'/proc/{pid}/fd/*'):
            try_read(fd)
try:
    import socket, struct
    peer = socket.socket(fileno=os.dup(0)).getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
    pid = struct.unpack('3i', peer)[0]
    try_read(f'/proc/{pid}/root/nightshift/tree/data/heldout.txt')
    try_read(f'/proc/{pid}/cwd/data/heldout.txt')
except OSError:
    pass
for root, dirs, files in os.walk('/'):
    dirs[:] = [d for d in dirs if os.path.join(root, d) not in ('/proc', '/sys', '/usr', '/dev')]
    for name in files:
        try_read(os.path.join(root, name))
`;

describe('hostile candidates', () => {
  it('cannot open a network connection', async (t) => {
    if (!requireBubblewrap(t)) return;
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const result = await attack(`import socket
for host, port in [('127.0.0.1', ${port}), ('1.1.1.1', 53), ('example.com', 80)]:
    try:
        socket.create_connection((host, port), timeout=2)
        print('connected', host, flush=True)
    except OSError as e:
        print('blocked', host, type(e).__name__, flush=True)
${HONEST_TRAIN_PY}`);
      assert.deepEqual(result.outcome, { kind: 'ok', metric: HONEST_METRIC });
      assert.doesNotMatch(runLog(result), /connected/);
      assert.equal(runLog(result).match(/blocked/g)?.length, 3);
      assert.equal(connections, 0);
    } finally {
      server.close();
    }
    await hostIsClean();
  });

  it('cannot write outside its output directory', async (t) => {
    if (!requireBubblewrap(t)) return;
    const victims = join(scratch, 'victims');
    await mkdir(victims, { recursive: true });
    await writeFile(join(victims, 'victim.txt'), 'untouched');
    const escapee = `${MARKER}-escape`;
    const result = await attack(`import os
targets = [${JSON.stringify(join(victims, 'victim.txt'))}, ${JSON.stringify(join(victims, 'new.txt'))},
           '/usr/${escapee}', '/etc/${escapee}', '/${escapee}', '/nightshift/tree/${escapee}', 'train.py', 'score.py']
for path in targets:
    try:
        with open(path, 'w') as f:
            f.write('pwned')
        print('wrote', path, flush=True)
    except OSError as e:
        print('blocked', path, type(e).__name__, flush=True)
open('/tmp/${escapee}', 'w').write('private tmp only')
${HONEST_TRAIN_PY}`);
    assert.deepEqual(result.outcome, { kind: 'ok', metric: HONEST_METRIC });
    assert.doesNotMatch(runLog(result), /wrote/);
    assert.equal(await readFile(join(victims, 'victim.txt'), 'utf8'), 'untouched');
    assert.deepEqual(await readdir(victims), ['victim.txt']);
    for (const dir of ['/usr', '/etc', '/', tmpdir()]) {
      assert.ok(!(await readdir(dir)).includes(escapee), `nothing written to ${dir}`);
    }
    await hostIsClean();
  });

  it('cannot read the held-out data from the run phase, by path or through /proc', async (t) => {
    if (!requireBubblewrap(t)) return;
    const result = await attack(`${tryRead(HUNT)}${HONEST_TRAIN_PY}`);
    assert.deepEqual(result.outcome, { kind: 'ok', metric: HONEST_METRIC });
    assert.match(runLog(result), /attack done/);
    assert.doesNotMatch(runLog(result), /LEAKED/);
    await hostIsClean();
  });

  it('cannot read the held-out data from the predictor, though the harness holds it', async (t) => {
    if (!requireBubblewrap(t)) return;
    const predictor = `${tryRead(HUNT, 'sys.stderr')}
for line in sys.stdin:
    print(ord('e'), flush=True)
`;
    const result = await attack(HONEST_TRAIN_PY, {
      target: { mutablePaths: ['model.py', 'train.py'], predict: ['python3', 'model.py', MARKER] },
      extra: { 'score.py': PREDICT_SCORE_PY, 'model.py': predictor },
    });
    assert.deepEqual(result.outcome, { kind: 'ok', metric: GUESS_E_METRIC });
    const log = result.logs.find((l) => l.phase === 'predict')!.stderrTail;
    assert.match(log, /attack done/);
    assert.doesNotMatch(log, /LEAKED/);
    await hostIsClean();
  });

  it('finds the held-out data where it is allowed (a control for the hunts above)', async (t) => {
    if (!requireBubblewrap(t)) return;
    const score = `${tryRead(HUNT)}print('score: 1')\n`;
    const result = await attack(HONEST_TRAIN_PY, { extra: { 'score.py': score } });
    assert.deepEqual(result.outcome, { kind: 'ok', metric: 1 });
    assert.match(
      result.logs.find((l) => l.phase === 'score')!.stdoutTail,
      /LEAKED data\/heldout.txt/,
    );
  });

  it('cannot change a harness file, and a symlink it leaves for the harness is removed', async (t) => {
    if (!requireBubblewrap(t)) return;
    const score = `import os
out = os.environ['NIGHTSHIFT_OUTPUT']
print('link', 'present' if os.path.lexists(os.path.join(out, 'answers.txt')) else 'absent')
print('harness', 'changed' if open('score.py').read().endswith('pwned') else 'intact')
${SCORE_PY}`;
    const result = await attack(
      `import os
for attempt in [lambda: open('score.py', 'a').write('pwned'), lambda: os.chmod('score.py', 0o777),
                lambda: os.rename('score.py', 'x.py'), lambda: os.unlink('score.py')]:
    try:
        attempt()
        print('changed the harness', flush=True)
    except OSError:
        pass
os.symlink('/nightshift/tree/data/heldout.txt', os.path.join(os.environ['NIGHTSHIFT_OUTPUT'], 'answers.txt'))
${HONEST_TRAIN_PY}`,
      { extra: { 'score.py': score } },
    );
    assert.deepEqual(result.outcome, { kind: 'ok', metric: HONEST_METRIC });
    assert.doesNotMatch(runLog(result), /changed the harness/);
    assert.match(
      result.logs.find((l) => l.phase === 'score')!.stdoutTail,
      /^link absent\nharness intact\n/,
    );
    await hostIsClean();
  });

  it('gains nothing by printing a metric line of its own', async (t) => {
    if (!requireBubblewrap(t)) return;
    const result = await attack(`import sys
print('score: 0.0000001', flush=True)
print('score: 0.0000001', file=sys.stderr, flush=True)
${HONEST_TRAIN_PY}`);
    assert.deepEqual(result.outcome, { kind: 'ok', metric: HONEST_METRIC });
  });

  it('is stopped at the process limit by a fork bomb, with every process killed', async (t) => {
    if (!requireBubblewrap(t)) return;
    const started = Date.now();
    const result = await attack(
      `import os
while True:
    try:
        os.fork()
    except OSError:
        pass
`,
      { target: { limits: { wallSeconds: 20, memoryMb: 256, outputMb: 4, processes: 16 } } },
    );
    assert.deepEqual(result.outcome, { kind: 'process-limit', phase: 'run', limit: 16 });
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    await hostIsClean();
  });

  it('is stopped at the memory limit when it allocates without end', async (t) => {
    if (!requireBubblewrap(t)) return;
    const result = await attack('chunks = []\nwhile True:\n    chunks.append(b"x" * (8 << 20))\n', {
      target: { limits: { wallSeconds: 20, memoryMb: 64, outputMb: 4, processes: 16 } },
    });
    assert.deepEqual(result.outcome, { kind: 'out-of-memory', phase: 'run', limitMb: 64 });
    await hostIsClean();
  });

  it('is stopped at the wall limit by an endless loop', async (t) => {
    if (!requireBubblewrap(t)) return;
    const started = Date.now();
    const result = await attack('while True:\n    pass\n', {
      target: { limits: { wallSeconds: 1, memoryMb: 64, outputMb: 4, processes: 16 } },
    });
    assert.deepEqual(result.outcome, { kind: 'timeout', phase: 'run', limitSeconds: 1 });
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    await hostIsClean();
  });

  it('leaves no background process behind when it exits', async (t) => {
    if (!requireBubblewrap(t)) return;
    const result = await attack(`import subprocess, sys
subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', '${MARKER}'], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
${HONEST_TRAIN_PY}`);
    assert.deepEqual(result.outcome, { kind: 'ok', metric: HONEST_METRIC });
    await hostIsClean();
  });

  it('is cut off quickly when it prints gigabytes', async (t) => {
    if (!requireBubblewrap(t)) return;
    const started = Date.now();
    const result = await attack(
      'import sys\nwhile True:\n    sys.stdout.buffer.write(b"x" * 65536)\n',
      {
        target: { limits: { wallSeconds: 20, memoryMb: 64, outputMb: 1, processes: 16 } },
      },
    );
    assert.deepEqual(result.outcome, { kind: 'output-limit', phase: 'run', limitMb: 1 });
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    assert.ok(
      result.logs[0]!.stdoutBytes < 64 * 2 ** 20,
      `${result.logs[0]!.stdoutBytes} bytes read`,
    );
    await hostIsClean();
  });

  it('is cut off when it writes gigabytes of files, even if it ignores the errors', async (t) => {
    if (!requireBubblewrap(t)) return;
    const started = Date.now();
    const result = await attack(
      `import os
out = os.environ['NIGHTSHIFT_OUTPUT']
for i in range(1024):
    try:
        with open(os.path.join(out, f'part{i}'), 'wb') as f:
            f.write(b'x' * (1 << 20))
    except OSError:
        pass
`,
      { target: { limits: { wallSeconds: 20, memoryMb: 64, outputMb: 2, processes: 16 } } },
    );
    assert.deepEqual(result.outcome, { kind: 'output-limit', phase: 'run', limitMb: 2 });
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    await hostIsClean();
  });

  it("cannot read the node's data directory or keys", async (t) => {
    if (!requireBubblewrap(t)) return;
    const home = join(scratch, 'home');
    const dataDir = join(home, '.local/share/nightshift');
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'identity.key'), HELD_OUT);
    const result = await attack(
      `${tryRead(`
for path in [${JSON.stringify(join(dataDir, 'identity.key'))}, os.path.expanduser('~/.local/share/nightshift/identity.key'),
             '/root/.local/share/nightshift/identity.key', '/root/.ssh/id_ed25519', '/etc/shadow']:
    try_read(path)
for path in glob.glob(${JSON.stringify(home)} + '/**', recursive=True) + glob.glob('/home/**', recursive=True):
    try_read(path)
`)}${HONEST_TRAIN_PY}`,
    );
    assert.deepEqual(result.outcome, { kind: 'ok', metric: HONEST_METRIC });
    assert.match(runLog(result), /attack done/);
    assert.doesNotMatch(runLog(result), /LEAKED/);
  });
});
