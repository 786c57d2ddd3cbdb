/** The terminal summary of `gc-bench accuracy`. */
import type { AccuracyReport } from '../accuracy/types';
import { errorText, psnrText, summaryRows } from './accuracy-sections';

export function accuracyText(r: AccuracyReport): string {
  const rows = summaryRows(r);
  const w = Math.max(...rows.map(([k]) => k.length), 'output x'.length);
  const lines = [`gc-bench accuracy: ${r.candidate.name} against ${r.reference.name}`];
  lines.push(...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`));
  for (const s of r.summary) {
    const worst = `[${s.worst.at.join(', ')}] (${s.worst.candidate.toPrecision(6)} vs ${s.worst.reference.toPrecision(6)})`;
    const rest = `mean abs ${errorText(s.meanAbs)}, PSNR ${psnrText(s.minPsnrDb)}`;
    lines.push(`  ${s.output.padEnd(w)}  max abs ${errorText(s.maxAbs)} at ${worst}, ${rest}`);
  }
  for (const warning of r.warnings) lines.push(`  warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}

/** The report as JSON; infinite figures (PSNR of identical outputs) are written as the strings "Infinity" / "-Infinity". */
export function accuracyJson(r: AccuracyReport): string {
  return `${JSON.stringify(r, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}
