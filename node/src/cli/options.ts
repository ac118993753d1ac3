// Parsers for option values; commander turns their InvalidArgumentError into a usage error.
import { InvalidArgumentError } from 'commander';

/** Digits only, no sign, no leading zero: `--workers 3`, not `3.5`, `0`, `-1` or `1e3`. */
export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError('It must be a positive integer.');
  }
  return parsed;
}

/** A whole number from `min` to `max` (`what` names it in the refusal: "a run count"). */
export function integerBetween(min: number, max: number, what = 'a whole number') {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`${value} is not ${what} ${range}.`);
    }
    return n;
  };
}

/** `--gpus 0,1`: distinct GPU indexes, as CUDA_VISIBLE_DEVICES lists them. */
export function gpuList(value: string): string[] {
  const gpus = value.split(',').map((g) => g.trim());
  if (gpus.some((g) => !/^\d+$/.test(g)) || new Set(gpus).size !== gpus.length) {
    throw new InvalidArgumentError(`${value} is not a list of distinct GPU indexes (e.g. 0,1).`);
  }
  return gpus;
}
