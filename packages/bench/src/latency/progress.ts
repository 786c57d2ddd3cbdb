/** A one-line progress bar on a TTY (stderr); silent everywhere else. */

interface ProgressBar {
  update(fraction: number, label: string): void;
  done(): void;
}

const SILENT: ProgressBar = { update() {}, done() {} };

/** The stage a label names: the text before its first colon (`timed: 12 runs, 1.0 s` -> `timed`). */
function stageOf(label: string): string {
  const i = label.indexOf(':');
  return i < 0 ? label : label.slice(0, i);
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr, enabled = true, clock: () => number = Date.now): ProgressBar {
  if (!enabled || !stream.isTTY) return SILENT;
  let last = -Infinity;
  let lastStage: string | undefined;
  return {
    update(fraction, label) {
      const t = clock();
      const stage = stageOf(label);
      // a new stage is always drawn; within a stage, at most 10 redraws a second
      if (stage === lastStage && t - last < 100 && fraction < 1) return;
      last = t;
      lastStage = stage;
      const width = 30;
      const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
      stream.write(`\r\x1b[2K  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${label}`);
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
