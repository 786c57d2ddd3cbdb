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
  /** Called after every warm-up and timed iteration (progress bars). */
  readonly onProgress?: (p: Progress) => void;
  /** Milliseconds, monotonic; default performance.now. */
  readonly now?: () => number;
}

export interface Progress {
  /** `warmup`: runs excluded from the figures; `timed`: the measured runs. */
  readonly phase: 'warmup' | 'timed';
  /** Runs done in this phase. */
  readonly iterations: number;
  /** Seconds spent in this phase. */
  readonly elapsedS: number;
  /** 0..1: how far towards both minimums of this phase. */
  readonly fraction: number;
}

export interface Measurement {
  readonly samplesMs: number[];
  readonly warmupRuns: number;
  readonly warmupS: number;
  readonly durationS: number;
}

function towards(done: number, min: number, elapsedS: number, minS: number): number {
  const byCount = min > 0 ? done / min : 1;
  const byTime = minS > 0 ? elapsedS / minS : 1;
  return Math.min(1, byCount, byTime);
}

export type WarmupOptions = Pick<MeasureOptions, 'warmupRuns' | 'warmupSeconds' | 'onProgress' | 'now'>;

/** The warm-up alone: `warmupRuns` runs and at least `warmupSeconds`; returns runs and seconds. */
export async function warmUp(runOnce: () => Promise<unknown>, options: WarmupOptions): Promise<{ runs: number; seconds: number }> {
  const now = options.now ?? (() => performance.now());
  const w0 = now();
  let runs = 0;
  while (runs < options.warmupRuns || (now() - w0) / 1000 < options.warmupSeconds) {
    await runOnce();
    runs++;
    if (options.onProgress) {
      const elapsedS = (now() - w0) / 1000;
      options.onProgress({
        phase: 'warmup',
        iterations: runs,
        elapsedS,
        fraction: towards(runs, options.warmupRuns, elapsedS, options.warmupSeconds),
      });
    }
  }
  return { runs, seconds: (now() - w0) / 1000 };
}

export async function measure(runOnce: () => Promise<unknown>, options: MeasureOptions): Promise<Measurement> {
  if (!Number.isInteger(options.minIterations) || options.minIterations < 1) {
    throw new RangeError(`measure: minIterations must be an integer >= 1, got ${options.minIterations}`);
  }
  const now = options.now ?? (() => performance.now());
  const maxIterations = options.maxIterations ?? 1_000_000;
  const warm = await warmUp(runOnce, options);
  const warmupRuns = warm.runs;
  const warmupS = warm.seconds;
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
      options.onProgress({
        phase: 'timed',
        iterations: samplesMs.length,
        elapsedS,
        fraction: towards(samplesMs.length, options.minIterations, elapsedS, options.minDurationS),
      });
    }
  }
  return { samplesMs, warmupRuns, warmupS, durationS: elapsedS };
}
