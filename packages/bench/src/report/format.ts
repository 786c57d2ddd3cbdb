/** Number formatting shared by the terminal, Markdown and HTML reports. */

/** 2546204672 -> `2.55G`, 356867 -> `0.357M`, like the GAN Compression tables. */
export function formatMacs(n: number | null): string {
  if (n === null) return 'n/a';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

export function formatParams(n: number | null): string {
  if (n === null) return 'n/a';
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 1 : 2)}M`;
  if (n >= 1e3) return `${(n / 1e6).toFixed(3)}M`;
  return String(n);
}

export function ms(x: number): string {
  if (x >= 100) return x.toFixed(1);
  if (x >= 10) return x.toFixed(2);
  return x.toFixed(3);
}

export function fpsText(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

/** A ratio (speed-up, MACs reduction): `1.00x`, `3.94x`, `12.3x`, `150x`; one rule for every column. */
export function ratioText(x: number): string {
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** A Markdown table; cells are escaped for `|`. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const sep = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.map(esc).join(' | ')} |`).join('\n');
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
