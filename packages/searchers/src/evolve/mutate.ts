/**
 * One mutation of the local best's settings: pick settings (favouring those whose mutations
 * were kept before), then step numeric ones by a normal draw scaled by their adapted step,
 * and move choices to a value drawn by how mutations to each value fared.
 */
import type { SearchParam } from '@nightshift/protocol';
import type { History } from './history.ts';
import { formatNumber, parseNumber } from './settings-file.ts';
import { fromUnit, gaussian, isNumeric, type NumericParam, toUnit } from './unit-scale.ts';

/** How sharply choice preferences pick their favourite: lower is greedier. */
const CHOICE_TEMPERATURE = 0.15;

export function mutate(
  space: readonly SearchParam[],
  current: Readonly<Record<string, string>>,
  history: History,
  count: number,
  random: () => number,
): Record<string, string> {
  const next = { ...current };
  for (const param of pickParams(space, history, count, random)) {
    next[param.name] = isNumeric(param)
      ? stepNumber(param, current[param.name]!, history.step.get(param.name)!, random)
      : pickChoice(param, current[param.name]!, history, random);
  }
  return next;
}

/** `count` distinct settings, each drawn with odds (kept + 1) / (tried + 2). */
function pickParams(
  space: readonly SearchParam[],
  history: History,
  count: number,
  random: () => number,
): SearchParam[] {
  const pool = [...space];
  const picked: SearchParam[] = [];
  while (picked.length < count && pool.length > 0) {
    const weights = pool.map((p) => {
      const t = history.trials.get(p.name)!;
      return (t.kept + 1) / (t.tried + 2);
    });
    const i = drawIndex(weights, random);
    picked.push(pool.splice(i, 1)[0]!);
  }
  return picked;
}

function stepNumber(param: NumericParam, value: string, step: number, random: () => number) {
  const x = parseNumber(param, value);
  const moved = fromUnit(param, toUnit(param, x) + step * gaussian(random));
  const text = formatNumber(param, moved);
  if (text !== value || param.kind !== 'int') return text;
  // A step too small to move an int by one still moves it by one, inside the bounds.
  const up = random() < 0.5 ? 1 : -1;
  const bounded = (n: number) => Math.min(param.max!, Math.max(param.min!, n));
  const target = bounded(x + up) !== x ? x + up : x - up;
  return formatNumber(param, bounded(target));
}

/**
 * A value other than the current one, drawn by a softmax over each value's mean quality.
 * Untried values start at 0.5 (as good as a near miss), so they are explored before values
 * that have fared badly and after values that were kept.
 */
function pickChoice(param: SearchParam, value: string, history: History, random: () => number) {
  const options = param.choices.filter((c) => c !== value);
  const weights = options.map((c) =>
    Math.exp(choiceMean(history, param.name, c) / CHOICE_TEMPERATURE),
  );
  return options[drawIndex(weights, random)]!;
}

/** The mean quality of the mutations to this value, starting from one even (0.5) prior. */
function choiceMean(history: History, name: string, value: string): number {
  const s = history.choiceScores.get(name)!.get(value) ?? { sum: 0, count: 0 };
  return (0.5 + s.sum) / (1 + s.count);
}

function drawIndex(weights: readonly number[], random: () => number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}
