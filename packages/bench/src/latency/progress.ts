/** A one-line progress bar on a TTY (stderr); silent everywhere else. */

export interface ProgressBar {
  update(fraction: number, label: string): void;
  done(): void;
}

const SILENT: ProgressBar = { update() {}, done() {} };

export function progressBar(stream: NodeJS.WriteStream = process.stderr, enabled = true): ProgressBar {
  if (!enabled || !stream.isTTY) return SILENT;
  let last = 0;
  return {
    update(fraction, label) {
      const t = Date.now();
      if (t - last < 100 && fraction < 1) return; // redraw at most 10 times a second
      last = t;
      const width = 30;
      const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
      stream.write(`\r\x1b[2K  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${label}`);
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
