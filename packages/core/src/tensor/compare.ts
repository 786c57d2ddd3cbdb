/**
 * How far one output is from a reference, in the output's own units: max and mean absolute error,
 * PSNR over a stated peak-to-peak range (2 for a tanh image in [-1, 1]), and where the worst value
 * is (flat index and its coordinates). NaN or Infinity anywhere makes the errors Infinity and the
 * PSNR -Infinity, so a broken output never passes a gate.
 */
import { strides } from './tensor';

export interface TensorComparison {
  /** Values compared. */
  readonly count: number;
  readonly maxAbs: number;
  readonly meanAbs: number;
  /** Root mean square error. */
  readonly rms: number;
  /** 10 log10(range^2 / MSE), dB; Infinity when the two are equal. */
  readonly psnrDb: number;
  /** The range PSNR was taken over. */
  readonly range: number;
  /** The worst value: flat index, coordinates (when a shape was given), both values. */
  readonly worst: { readonly index: number; readonly at: readonly number[]; readonly actual: number; readonly expected: number };
}

/** Compares `actual` against `expected` (same length); `shape` (optional) gives the worst value's coordinates. */
export function compareTensors(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: { shape?: readonly number[]; range?: number } = {},
): TensorComparison {
  if (actual.length !== expected.length) {
    throw new Error(`compareTensors: lengths ${actual.length} and ${expected.length} differ`);
  }
  const range = options.range ?? 2;
  let maxAbs = 0;
  let worstIndex = 0;
  let sumAbs = 0;
  let sumSq = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!Number.isFinite(d)) {
      if (maxAbs !== Infinity) worstIndex = i;
      maxAbs = Infinity;
      sumAbs = Infinity;
      sumSq = Infinity;
      continue;
    }
    if (d > maxAbs) {
      maxAbs = d;
      worstIndex = i;
    }
    sumAbs += d;
    sumSq += d * d;
  }
  const n = actual.length;
  const mse = n === 0 ? 0 : sumSq / n;
  const psnrDb = mse === 0 ? Infinity : Number.isFinite(mse) ? 10 * Math.log10((range * range) / mse) : -Infinity;
  return {
    count: n,
    maxAbs,
    meanAbs: n === 0 ? 0 : sumAbs / n,
    rms: Math.sqrt(mse),
    psnrDb,
    range,
    worst: {
      index: worstIndex,
      at: options.shape ? coordinates(worstIndex, options.shape) : [worstIndex],
      actual: n === 0 ? NaN : actual[worstIndex]!,
      expected: n === 0 ? NaN : expected[worstIndex]!,
    },
  };
}

function coordinates(index: number, shape: readonly number[]): number[] {
  const s = strides(shape);
  let rest = index;
  return s.map((stride) => {
    const c = Math.floor(rest / stride);
    rest -= c * stride;
    return c;
  });
}
