/**
 * Latency statistics: percentiles by linear interpolation between closest ranks (numpy's default,
 * what onnxruntime_perf_test and most reports use), sample standard deviation, coefficient of
 * variation, histogram bins.
 */

export interface LatencyStats {
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1). */
  readonly std: number;
}

/** q in [0, 1] of already sorted values; linear interpolation between closest ranks. */
export function percentileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

export function summarize(samples: readonly number[]): LatencyStats {
  if (samples.length === 0) throw new Error('no latency samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    min: sorted[0]!,
    p50: percentileSorted(sorted, 0.5),
    p90: percentileSorted(sorted, 0.9),
    p95: percentileSorted(sorted, 0.95),
    p99: percentileSorted(sorted, 0.99),
    max: sorted[sorted.length - 1]!,
    mean: mean(sorted),
    std: sampleStd(sorted),
  };
}

/** Coefficient of variation, std / mean (0 for a single sample). */
export function coefficientOfVariation(s: LatencyStats): number {
  return s.mean > 0 ? s.std / s.mean : 0;
}

/** Frames per second: batch x 1000 / mean latency in ms. */
export function fps(batch: number, meanMs: number): number {
  return meanMs > 0 ? (batch * 1000) / meanMs : 0;
}

export interface Histogram {
  /** Left edge of each bin, ms. */
  readonly edges: readonly number[];
  readonly width: number;
  readonly counts: readonly number[];
}

/** Equal-width bins from min to max (every sample lands in exactly one bin). */
export function histogram(samples: readonly number[], bins = 20): Histogram {
  if (samples.length === 0) return { edges: [], width: 0, counts: [] };
  const lo = Math.min(...samples);
  const hi = Math.max(...samples);
  const n = hi > lo ? Math.max(1, Math.min(bins, samples.length)) : 1;
  const width = hi > lo ? (hi - lo) / n : 1;
  const counts = new Array<number>(n).fill(0);
  for (const x of samples) counts[Math.min(n - 1, Math.floor((x - lo) / width))]!++;
  return { edges: counts.map((_, i) => lo + i * width), width, counts };
}
