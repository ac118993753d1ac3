/**
 * A stand-in for tiny-lm's val_bpc (lower is better) as a pure function of its settings,
 * shaped like the real one: the smoothing method matters most, each method has its own best
 * order, ALPHA matters only to add-k and DISCOUNT mostly to the discounting methods, and
 * ADAPT helps a little. The optimum is known, so tests can measure how close a search gets.
 */
const METHOD: Record<string, { base: number; order: number; alpha: number; discount: number }> = {
  '"add-k"': { base: 0.35, order: 3, alpha: 0.3, discount: 0.05 },
  '"witten-bell"': { base: 0.2, order: 5, alpha: 0.02, discount: 0.05 },
  '"absolute"': { base: 0.1, order: 5, alpha: 0.02, discount: 0.8 },
  '"kneser-ney"': { base: 0, order: 6, alpha: 0.02, discount: 0.8 },
};

export const SIMULATED_OPTIMUM = {
  settings: {
    ADAPT: 'True',
    ALPHA: '0.03',
    DISCOUNT: '0.85',
    ORDER: '6',
    SMOOTHING: '"kneser-ney"',
  },
  value: 1.85,
};

export function simulatedBpc(settings: Readonly<Record<string, string>>): number {
  const method = METHOD[settings['SMOOTHING']!]!;
  const order = Number(settings['ORDER']);
  const alpha = Math.log10(Number(settings['ALPHA']) / 0.03);
  const discount = Number(settings['DISCOUNT']) - 0.85;
  return (
    1.9 +
    method.base +
    0.04 * (order - method.order) ** 2 +
    method.alpha * alpha ** 2 +
    method.discount * discount ** 2 +
    (settings['ADAPT'] === 'True' ? -0.05 : 0)
  );
}
