/**
 * Progress of long work on stderr, for a person watching: on a terminal, one redrawn line with a bar;
 * anywhere else (a log, CI, `2>file`), nothing for work done within `startAfterMs`, then a plain line
 * when a stage starts and at most one every `intervalMs`, each with an estimate of what is left. Never on stdout, so JSON
 * output stays clean; the CLIs disable it for --quiet and --json.
 */

export interface ProgressBar {
  /** `fraction` of the current stage done (0..1); `label` says what, its text before `:` names the stage. */
  update(fraction: number, label: string): void;
  done(): void;
}

export interface ProgressOptions {
  /** false: silent (--quiet, --json). */
  readonly enabled?: boolean;
  /** Milliseconds, monotonic. */
  readonly clock?: () => number;
  /** Off a terminal: at most one line per stage this often (default 5 s). */
  readonly intervalMs?: number;
  /** Off a terminal: quiet for work that ends sooner than this (default 2 s). */
  readonly startAfterMs?: number;
  /** Prefix of plain lines, e.g. `gc-bench`. */
  readonly name?: string;
}

const SILENT: ProgressBar = { update() {}, done() {} };
/** Redraws of the terminal bar within one stage: at most 10 a second. */
const TTY_REDRAW_MS = 100;

/** The stage a label names: the text before its first colon (`timed: 12 runs, 1.0 s` -> `timed`). */
function stageOf(label: string): string {
  const i = label.indexOf(':');
  return i < 0 ? label : label.slice(0, i);
}

/** `1.2 s`, `45 s`, `3 min 20 s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

/** What is left of a stage, from how long its `fraction` took; undefined until there is something to go on. */
function estimate(fraction: number, elapsedS: number): string | undefined {
  if (!(fraction > 0.02) || fraction >= 1 || elapsedS < 0.5) return undefined;
  return `about ${formatDuration((elapsedS * (1 - fraction)) / fraction)} left`;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr, options: ProgressOptions = {}): ProgressBar {
  if (options.enabled === false) return SILENT;
  const clock = options.clock ?? (() => performance.now());
  const interval = options.intervalMs ?? 5000;
  const created = clock();
  const startAfter = options.startAfterMs ?? 2000;
  const prefix = options.name ? `${options.name}: ` : '';
  let stage: string | undefined;
  let stageStart = 0;
  let lastDrawn = -Infinity;

  const enter = (label: string, t: number): boolean => {
    const s = stageOf(label);
    if (s === stage) return false;
    stage = s;
    stageStart = t;
    return true;
  };

  if (stream.isTTY) {
    return {
      update(fraction, label) {
        const t = clock();
        // a new stage is always drawn; within a stage, at most 10 redraws a second
        if (!enter(label, t) && t - lastDrawn < TTY_REDRAW_MS && fraction < 1) return;
        lastDrawn = t;
        const width = 30;
        const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
        const left = estimate(fraction, (t - stageStart) / 1000);
        stream.write(`\r\x1b[2K  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${label}${left ? ` (${left})` : ''}`);
      },
      done() {
        stream.write('\r\x1b[2K');
      },
    };
  }
  return {
    update(fraction, label) {
      const t = clock();
      const newStage = enter(label, t);
      if (t - created < startAfter) return;
      // the first line after the quiet start is always written
      if (!newStage && t - lastDrawn < interval) return;
      lastDrawn = t;
      const elapsedS = (t - stageStart) / 1000;
      const left = estimate(fraction, elapsedS);
      const pct = fraction > 0 && fraction < 1 ? `, ${Math.floor(fraction * 100)}%` : '';
      stream.write(`${prefix}${label}${pct}${left ? `, ${left}` : ''}\n`);
    },
    done() {},
  };
}
