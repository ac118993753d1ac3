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
