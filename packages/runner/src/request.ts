/** Checks of a run request that protocol validation does not make for the runner. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { RunnerError } from './errors.ts';
import type { RunRequest } from './runner.ts';

/**
 * Every command is a non-empty argv of non-empty arguments without NUL (protocol validates
 * run, score and setup; `predict` is checked here too), the seed a u32 or a 32-byte hash,
 * and the GPU list printable.
 */
export function validateRequest({ target, seed, gpus }: RunRequest): void {
  const commands = {
    run: target.run,
    score: target.score,
    setup: target.setup,
    predict: target.predict,
  };
  for (const [name, argv] of Object.entries(commands)) {
    if (argv === undefined) continue;
    if (argv.length === 0 || argv.some((arg) => arg.length === 0 || arg.includes('\0'))) {
      throw new RunnerError(
        'invalid_request',
        `the ${name} command is empty or holds an empty or NUL argument`,
      );
    }
  }
  const seedOk =
    typeof seed === 'number'
      ? Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff
      : seed.length === 32;
  if (!seedOk) throw new RunnerError('invalid_request', 'the seed must be a u32 or a 32-byte hash');
  if (gpus !== undefined && !/^[A-Za-z0-9,:_-]*$/.test(gpus)) {
    throw new RunnerError(
      'invalid_request',
      `CUDA_VISIBLE_DEVICES ${JSON.stringify(gpus)} is not a device list`,
    );
  }
  for (const [name, value] of Object.entries(target.limits)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RunnerError('invalid_request', `limits.${name} must be >= 1`);
  }
}

/** The path of an executable on PATH (or /usr/bin, /bin), if there is one. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/bin'].filter(Boolean);
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}
