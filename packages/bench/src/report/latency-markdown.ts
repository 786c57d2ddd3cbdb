/** A latency report as Markdown (for READMEs, issues, pull requests). */
import { markdownTable } from './format';
import {
  STAT_KEYS,
  endToEndRows,
  machineRows,
  NODE_HEADER,
  nodeRows,
  nodesTitle,
  placementRows,
  referenceRows,
  settingsRows,
  statsRow,
  summaryRows,
  type Rows,
} from './latency-sections';
import type { LatencyReport } from './types';

/** A two-column table with real headers (GitHub renders an empty header row as a blank bar). */
function kv(first: string, rows: Rows): string {
  return markdownTable([first, 'value'], rows);
}

/** A table folded away in a <details> block (GitHub renders it collapsed). */
function collapsible(summary: string, table: string): string {
  return `<details>\n<summary>${summary.replace(/</g, '&lt;')}</summary>\n\n${table}\n\n</details>`;
}

export function latencyMarkdown(r: LatencyReport): string {
  const parts = [
    `# gc-bench latency: ${r.model.name} on ${r.device.profile}`,
    '',
    kv('measure', summaryRows(r)),
    '',
    '## Latency (ms)',
    '',
    markdownTable([...STAT_KEYS], [statsRow(r.latencyMs)], STAT_KEYS.map(() => 'r')),
    '',
    '## Where the model ran',
    '',
    `${r.session.placement.summary}. Counted from onnxruntime's profiling trace of the first run: kernels of the optimised graph, not the ONNX file's nodes.`,
    '',
    markdownTable(['execution provider', 'kernels'], placementRows(r), ['l', 'r']),
  ];
  if (nodeRows(r).length > 0) parts.push('', collapsible(nodesTitle(r), markdownTable([...NODE_HEADER], nodeRows(r))));
  if (r.endToEnd) {
    parts.push(
      '',
      `## End to end (${r.endToEnd.image}, ${r.endToEnd.iterations} runs): ${r.endToEnd.fps.toFixed(1)} FPS`,
      '',
      markdownTable(['stage', ...STAT_KEYS], endToEndRows(r), ['l', ...STAT_KEYS.map(() => 'r' as const)]),
    );
  }
  parts.push('', '## Settings', '', kv('setting', settingsRows(r)), '', '## Machine', '', kv('machine', machineRows(r)));
  if (r.reference.length > 0) {
    parts.push(
      '',
      '## Published reference figures for this device',
      '',
      markdownTable(['model', 'FPS', 'latency ms', 'source'], referenceRows(r)),
    );
  }
  if (r.warnings.length > 0) parts.push('', '## Warnings', '', ...r.warnings.map((w) => `- ${w}`));
  return `${parts.join('\n')}\n`;
}
