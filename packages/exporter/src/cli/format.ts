/** Human-readable figures for CLI summaries. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e5) return `${(n / 1e6).toFixed(3)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** The verify figures: `max abs error 1.41e-5, PSNR 98.2 dB`. */
export function formatVerifyFigures(v: { readonly maxAbsError: number; readonly psnrDb: number }): string {
  const psnr = v.psnrDb === Infinity ? 'exact' : Number.isFinite(v.psnrDb) ? `${v.psnrDb.toFixed(1)} dB` : 'not finite';
  return `max abs error ${v.maxAbsError.toExponential(2)}, PSNR ${psnr}`;
}

const TYPE_NAMES = { fp32: 'float32', fp16: 'float16' } as const;

/** Width the kept-node list is wrapped at (after the 11-column label). */
const LIST_WIDTH = 100;

/**
 * The summary's precision lines; none for fp32 (the summary stays as it was):
 *   `  floats   fp16 weights and activations, float32 inputs and outputs`
 *   `  kept     26 nodes in float32: model.2.norm, ...` (wrapped)
 */
export function precisionLines(p: {
  readonly precision: 'fp32' | 'fp16';
  readonly io: 'fp32' | 'fp16';
  readonly keptFp32: readonly string[];
}): string[] {
  if (p.precision === 'fp32') return [];
  const lines = [`  floats   ${p.precision} weights and activations, ${TYPE_NAMES[p.io]} inputs and outputs`];
  let line = `  kept     ${p.keptFp32.length} node${p.keptFp32.length === 1 ? '' : 's'} in float32${p.keptFp32.length ? ':' : ''}`;
  p.keptFp32.forEach((name, i) => {
    const item = ` ${name}${i < p.keptFp32.length - 1 ? ',' : ''}`;
    if (line.length + item.length > LIST_WIDTH + 11 && line.trim() !== '') {
      lines.push(line);
      line = `          `;
    }
    line += item;
  });
  lines.push(line);
  return lines;
}
