/**
 * `--when-idle`: is anybody else using this GPU? Read from `nvidia-smi`: a GPU is idle when
 * no compute process runs on it. The worker asks only between its own experiments on that
 * GPU, so any process it finds belongs to someone else (the machine's owner).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class GpuIdleError extends Error {
  static override readonly name = 'GpuIdleError';
  override readonly name = GpuIdleError.name;
}

/** A check of one GPU (by index, as in `--gpus`), through the `nvidia-smi` on PATH. */
export function nvidiaSmiIdle(nvidiaSmi = 'nvidia-smi'): (gpu: string) => Promise<boolean> {
  const query = async (what: string) => {
    try {
      const { stdout } = await run(nvidiaSmi, [what, '--format=csv,noheader,nounits'], {
        timeout: 10_000,
      });
      return stdout
        .split('\n')
        .map((line) => line.split(',').map((field) => field.trim()))
        .filter((fields) => fields[0] !== '');
    } catch (err) {
      throw new GpuIdleError(`${nvidiaSmi} ${what} failed: ${(err as Error).message}`);
    }
  };
  return async (gpu) => {
    const gpus = await query('--query-gpu=index,uuid');
    const uuid = gpus.find(([index]) => index === gpu)?.[1];
    if (!uuid) throw new GpuIdleError(`nvidia-smi lists no GPU ${gpu}`);
    const apps = await query('--query-compute-apps=gpu_uuid,pid');
    return !apps.some(([appGpu]) => appGpu === uuid);
  };
}
