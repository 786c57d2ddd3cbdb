/**
 * The measurement loop, as trtexec / onnxruntime_perf_test / MLPerf do it: warm-up runs excluded
 * (a number of runs AND a number of seconds), then timed runs until both a minimum number of
 * iterations and a minimum duration are reached (and never past the maximum iterations). A time
 * budget bounds both phases for slow models: the timed runs stop when it is spent, the warm-up when a
 * sixth of it is, each after at least one run, and the measurement says what stopped it.
 * The clock and the run are injected so the loop is testable without timing anything.
 */

export interface MeasureOptions {
  readonly warmupRuns: number;
  readonly warmupSeconds: number;
  readonly minIterations: number;
  readonly minDurationS: number;
  /** Hard cap on timed iterations (default 1e6). */
  readonly maxIterations?: number;
  /** Seconds: timed runs stop once this is spent, the warm-up once a sixth of it is (default: no budget). */
  readonly timeBudgetS?: number;
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

/** Why the timed runs stopped: both minimums met, the iteration cap, or the time budget. */
export type StopReason = 'minimums' | 'max-iterations' | 'time-budget';

export interface Measurement {
  readonly samplesMs: number[];
  readonly stoppedBy: StopReason;
  readonly warmupRuns: number;
  readonly warmupS: number;
  readonly durationS: number;
}

function towards(done: number, min: number, elapsedS: number, minS: number): number {
  const byCount = min > 0 ? done / min : 1;
  const byTime = minS > 0 ? elapsedS / minS : 1;
  return Math.min(1, byCount, byTime);
}

export type WarmupOptions = Pick<MeasureOptions, 'warmupRuns' | 'warmupSeconds' | 'timeBudgetS' | 'onProgress' | 'now'>;

/** The share of the time budget the warm-up may spend. */
export const WARMUP_BUDGET_SHARE = 1 / 6;

/** The warm-up alone: `warmupRuns` runs and at least `warmupSeconds`; returns runs and seconds. */
export async function warmUp(runOnce: () => Promise<unknown>, options: WarmupOptions): Promise<{ runs: number; seconds: number }> {
  const now = options.now ?? (() => performance.now());
  const w0 = now();
  let runs = 0;
  const capS = options.timeBudgetS === undefined ? Infinity : options.timeBudgetS * WARMUP_BUDGET_SHARE;
  const wanted = (): boolean => runs < options.warmupRuns || (now() - w0) / 1000 < options.warmupSeconds;
  while (wanted() && (runs === 0 || (now() - w0) / 1000 < capS)) {
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
  const budgetS = options.timeBudgetS ?? Infinity;
  const samplesMs: number[] = [];
  const t0 = now();
  let elapsedS = 0;
  const minimumsMet = (): boolean => samplesMs.length >= options.minIterations && elapsedS >= options.minDurationS;
  while (samplesMs.length < maxIterations && !minimumsMet() && (samplesMs.length === 0 || elapsedS < budgetS)) {
    const a = now();
    await runOnce();
    const b = now();
    samplesMs.push(b - a);
    elapsedS = (b - t0) / 1000;
    if (options.onProgress) {
      const fraction = Math.max(
        towards(samplesMs.length, options.minIterations, elapsedS, options.minDurationS),
        Math.min(1, elapsedS / budgetS),
      );
      options.onProgress({ phase: 'timed', iterations: samplesMs.length, elapsedS, fraction });
    }
  }
  const stoppedBy: StopReason = minimumsMet() ? 'minimums' : samplesMs.length >= maxIterations ? 'max-iterations' : 'time-budget';
  return { samplesMs, stoppedBy, warmupRuns, warmupS, durationS: elapsedS };
}
