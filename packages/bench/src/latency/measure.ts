/**
 * The measurement loop, as trtexec / onnxruntime_perf_test / MLPerf do it: warm-up runs excluded
 * (a number of runs AND a number of seconds), then timed runs until both a minimum number of
 * iterations and a minimum duration are reached (and never past the maximum iterations).
 * The clock and the run are injected so the loop is testable without timing anything.
 */

export interface MeasureOptions {
  readonly warmupRuns: number;
  readonly warmupSeconds: number;
  readonly minIterations: number;
  readonly minDurationS: number;
  /** Hard cap on timed iterations (default 1e6). */
  readonly maxIterations?: number;
  /** Called after every timed iteration (progress bars). */
  readonly onProgress?: (p: Progress) => void;
  /** Milliseconds, monotonic; default performance.now. */
  readonly now?: () => number;
}

export interface Progress {
  readonly iterations: number;
  readonly elapsedS: number;
  /** 0..1: how far towards both minimums. */
  readonly fraction: number;
}

export interface Measurement {
  readonly samplesMs: number[];
  readonly warmupRuns: number;
  readonly warmupS: number;
  readonly durationS: number;
}

export async function measure(runOnce: () => Promise<unknown>, options: MeasureOptions): Promise<Measurement> {
  const now = options.now ?? (() => performance.now());
  const maxIterations = options.maxIterations ?? 1_000_000;
  const w0 = now();
  let warmupRuns = 0;
  while (warmupRuns < options.warmupRuns || (now() - w0) / 1000 < options.warmupSeconds) {
    await runOnce();
    warmupRuns++;
  }
  const warmupS = (now() - w0) / 1000;
  const samplesMs: number[] = [];
  const t0 = now();
  let elapsedS = 0;
  while (samplesMs.length < maxIterations && (samplesMs.length < options.minIterations || elapsedS < options.minDurationS)) {
    const a = now();
    await runOnce();
    const b = now();
    samplesMs.push(b - a);
    elapsedS = (b - t0) / 1000;
    if (options.onProgress) {
      const byCount = options.minIterations > 0 ? samplesMs.length / options.minIterations : 1;
      const byTime = options.minDurationS > 0 ? elapsedS / options.minDurationS : 1;
      options.onProgress({ iterations: samplesMs.length, elapsedS, fraction: Math.min(1, Math.min(byCount, byTime)) });
    }
  }
  return { samplesMs, warmupRuns, warmupS, durationS: elapsedS };
}
