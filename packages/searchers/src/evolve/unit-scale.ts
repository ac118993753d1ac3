/**
 * Numeric settings measured on one scale: every int, float and log-float setting maps its
 * [min, max] onto [0, 1] (log-floats in log space), so one step size means the same share of
 * the range for every setting and the 1/5th success rule can adapt them alike.
 */
import type { SearchParam } from '@nightshift/protocol';

export type NumericParam = SearchParam & { kind: 'int' | 'float' | 'log-float' };

export function isNumeric(param: SearchParam): param is NumericParam {
  return param.kind !== 'choice';
}

function bounds(param: NumericParam): [number, number] {
  // The protocol guarantees min < max for numeric settings (and min > 0 for log-float).
  const min = param.min ?? 0;
  const max = param.max ?? 1;
  return param.kind === 'log-float' ? [Math.log(min), Math.log(max)] : [min, max];
}

/** Where x sits in the setting's range, from 0 (min) to 1 (max), clamped. */
export function toUnit(param: NumericParam, x: number): number {
  const [lo, hi] = bounds(param);
  const v = param.kind === 'log-float' ? Math.log(Math.max(x, Number.MIN_VALUE)) : x;
  return Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
}

export function fromUnit(param: NumericParam, u: number): number {
  const [lo, hi] = bounds(param);
  const v = lo + reflect(u) * (hi - lo);
  return param.kind === 'log-float' ? Math.exp(v) : v;
}

/** Folds a point that stepped over a bound back inside, so steps near a bound stay steps. */
export function reflect(u: number): number {
  const folded = Math.abs(u) % 2;
  return folded > 1 ? 2 - folded : folded;
}

/** The smallest step that can change the setting: one integer for ints. */
export function minimumStep(param: NumericParam): number {
  if (param.kind !== 'int') return 0.005;
  const [lo, hi] = bounds(param);
  return 0.5 / (hi - lo);
}

/** A standard normal draw from a uniform source (Box-Muller). */
export function gaussian(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(0) is not a number
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
