/** A latency report as Markdown (for READMEs, issues, pull requests). */
import { markdownTable } from './format';
import {
  STAT_KEYS,
  endToEndRows,
  machineRows,
  placementRows,
  referenceRows,
  settingsRows,
  statsRow,
  summaryRows,
  type Rows,
} from './latency-sections';
import type { LatencyReport } from './types';

function kv(rows: Rows): string {
  return markdownTable(['', ''], rows);
}

export function latencyMarkdown(r: LatencyReport): string {
  const parts = [
    `# gc-bench latency: ${r.model.name} on ${r.device.profile}`,
    '',
    kv(summaryRows(r)),
    '',
    '## Latency (ms)',
    '',
    markdownTable([...STAT_KEYS], [statsRow(r.latencyMs)], STAT_KEYS.map(() => 'r')),
    '',
    '## Where the nodes ran',
    '',
    markdownTable(['provider', 'kernels'], placementRows(r), ['l', 'r']),
  ];
  if (r.endToEnd) {
    parts.push(
      '',
      `## End to end (${r.endToEnd.image}, ${r.endToEnd.iterations} runs): ${r.endToEnd.fps.toFixed(1)} FPS`,
      '',
      markdownTable(['stage', ...STAT_KEYS], endToEndRows(r), ['l', ...STAT_KEYS.map(() => 'r' as const)]),
    );
  }
  parts.push('', '## Settings', '', kv(settingsRows(r)), '', '## Machine', '', kv(machineRows(r)));
  if (r.reference.length > 0) {
    parts.push('', '## Published reference figures for this device', '', markdownTable(['model', 'FPS', 'latency ms', 'source'], referenceRows(r)));
  }
  if (r.warnings.length > 0) parts.push('', '## Warnings', '', ...r.warnings.map((w) => `- ${w}`));
  return `${parts.join('\n')}\n`;
}
