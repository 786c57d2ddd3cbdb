/** The terminal summary of `gc-bench latency`. */
import { ms } from './format';
import { STAT_KEYS, statsRow, summaryRows } from './latency-sections';
import type { LatencyReport } from './types';

export function latencyText(r: LatencyReport): string {
  const rows = summaryRows(r);
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = [`gc-bench latency: ${r.model.name} on ${r.device.profile}`, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)];
  lines.push(`  ${'latency ms'.padEnd(w)}  ${STAT_KEYS.map((k, i) => `${k} ${statsRow(r.latencyMs)[i]}`).join('  ')}`);
  if (r.endToEnd) lines.push(`  ${'end to end'.padEnd(w)}  ${r.endToEnd.fps.toFixed(1)} FPS, mean ${ms(r.endToEnd.totalMs.mean)} ms`);
  for (const warning of r.warnings) lines.push(`  warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}
