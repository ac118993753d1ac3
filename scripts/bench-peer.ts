/**
 * Benchmark: the cost of an idle peer. Start-to-listening time and resident memory of a real
 * `nightshift node` process (its store, libp2p host and every component), next to a bare
 * libp2p host with the same transports in a process of its own, measured in the same run.
 * Usage: node --import tsx scripts/bench-peer.ts [--runs N]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const bin = fileURLToPath(new URL('../node/bin/nightshift.js', import.meta.url));
const bareHost = fileURLToPath(new URL('./bare-host.ts', import.meta.url));
const IDLE_MS = 3000;

interface Sample {
  /** From spawn to the first line that says the process listens. */
  startMs: number;
  /** Resident set size after IDLE_MS of idleness. */
  rssMiB: number;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kib / 1024;
}

async function sample(args: string[]): Promise<Sample> {
  const began = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const startMs = await new Promise<number>((resolve, reject) => {
    lines.once('line', () => resolve(performance.now() - began));
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening`)));
  });
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const rss = await rssMiB(child.pid!);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return { startMs, rssMiB: rss };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const scratch = await mkdtemp(join(tmpdir(), 'nightshift-bench-peer-'));
const peer: Sample[] = [];
const bare: Sample[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const dataDir = join(scratch, `node-${i}`);
    const listen = '/ip4/127.0.0.1/tcp/0';
    peer.push(
      await sample([bin, 'node', '--json', '--no-mdns', '--data-dir', dataDir, '--listen', listen]),
    );
    bare.push(await sample(['--import', 'tsx', bareHost]));
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const row = (label: string, samples: Sample[]) =>
  console.log(
    `  ${label.padEnd(34)} start ${median(samples.map((s) => s.startMs))
      .toFixed(0)
      .padStart(5)} ms` +
      `   rss ${median(samples.map((s) => s.rssMiB))
        .toFixed(1)
        .padStart(6)} MiB`,
  );
console.log(`idle peer, median of ${runs} runs, rss after ${IDLE_MS / 1000} s idle:`);
row('nightshift node (whole peer)', peer);
row('bare libp2p host (same transports)', bare);
const ratio = (f: (s: Sample) => number) => median(peer.map(f)) / median(bare.map(f));
console.log(
  `  ratio: start ${ratio((s) => s.startMs).toFixed(2)}x, rss ${ratio((s) => s.rssMiB).toFixed(2)}x`,
);
