/**
 * The environment class a receipt names (`Receipt.environment`, at most 256 bytes): enough to
 * tell whether two runs could be expected to agree (OS, architecture, CPU model and count,
 * the GPU model of the assigned devices), nothing that identifies the machine.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { arch, availableParallelism, cpus, platform } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
const cache = new Map<string, Promise<string>>();

/** `linux x64; cpu: AMD EPYC 7B13 x2; gpu: NVIDIA H100 80GB HBM3` (`gpu: none` without GPUs). */
export function environmentClass(gpus: string): Promise<string> {
  let found = cache.get(gpus);
  if (!found) {
    found = describe(gpus);
    cache.set(gpus, found);
  }
  return found;
}

async function describe(gpus: string): Promise<string> {
  const cpu = `${await cpuModel()} x${availableParallelism()}`;
  const gpu = gpus === '' ? 'none' : await gpuModels(gpus);
  return `${platform()} ${arch()}; cpu: ${cpu}; gpu: ${gpu}`.slice(0, 256);
}

async function cpuModel(): Promise<string> {
  try {
    const info = await readFile('/proc/cpuinfo', 'utf8');
    const line = /^model name\s*:\s*(.+)$/m.exec(info);
    if (line) return line[1]!.trim();
  } catch {}
  return cpus()[0]?.model.trim() || 'unknown';
}

/** The names of the assigned GPUs (CUDA_VISIBLE_DEVICES: indices or UUIDs), from nvidia-smi. */
async function gpuModels(gpus: string): Promise<string> {
  try {
    const { stdout } = await run(
      'nvidia-smi',
      ['--query-gpu=index,uuid,name', '--format=csv,noheader'],
      { timeout: 10_000 },
    );
    const wanted = gpus.split(',').map((g) => g.trim());
    const names = stdout
      .split('\n')
      .map((line) => line.split(',').map((f) => f.trim()))
      .filter(([index, uuid]) => wanted.includes(index!) || wanted.includes(uuid!))
      .map(([, , name]) => name);
    return names.length > 0 ? names.join(' + ') : `unknown (${gpus})`;
  } catch {
    return `unknown (${gpus}; no nvidia-smi)`;
  }
}
