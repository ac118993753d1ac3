import type { Direction } from '../objects/target.ts';

/** Rule 2 of DESIGN.md: the numbers a verdict is made of, with IEEE 754 arithmetic. */

/** True when `a` is strictly better than `b`. */
export function isBetter(a: number, b: number, direction: Direction): boolean {
  return direction === 'minimize' ? a < b : a > b;
}

/** True when `measured` beats `parent` by at least `minDelta`. */
export function beatsByMinDelta(
  measured: number,
  parent: number,
  minDelta: number,
  direction: Direction,
): boolean {
  return direction === 'minimize' ? measured <= parent - minDelta : measured >= parent + minDelta;
}

/** True when a re-run lies within `tolerance` of the claim. */
export function withinTolerance(measured: number, claimed: number, tolerance: number): boolean {
  return Math.abs(measured - claimed) <= tolerance;
}

/**
 * The median of several measurements: the middle value, or for an even count the mean of
 * the two middle values, computed as a/2 + b/2 so that it cannot overflow (the same as
 * (a + b)/2 wherever neither overflows nor a half is subnormal). Throws on an empty list: callers decide what no
 * measurement means.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : sorted[mid - 1]! / 2 + sorted[mid]! / 2;
}
