/** A latency report as one self-contained HTML page with charts. */
import { escapeHtml } from './format';
import { htmlKv, htmlTable, renderPage } from './html-page';
import { latencyCharts } from './latency-charts';
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
} from './latency-sections';
import type { LatencyReport } from './types';

export function latencyHtml(r: LatencyReport): string {
  const warnings = r.warnings.map((w) => `<div class="warn">${escapeHtml(w)}</div>`).join('\n');
  const before = [
    warnings,
    htmlKv(summaryRows(r)),
    '<h2>Latency (ms)</h2>',
    htmlTable([...STAT_KEYS], [statsRow(r.latencyMs)], STAT_KEYS.map(() => true)),
  ].join('\n');
  const after = [
    '<h2>Where the model ran</h2>',
    `<p>${escapeHtml(r.session.placement.summary)}. Counted from onnxruntime's profiling trace of the first run: kernels of the optimised graph (fused, with inserted copies), not the ONNX file's nodes.</p>`,
    htmlTable(['execution provider', 'kernels'], placementRows(r), [false, true]),
    nodeRows(r).length > 0
      ? `<details id="placement-nodes"><summary>${escapeHtml(nodesTitle(r))}</summary>${htmlTable([...NODE_HEADER], nodeRows(r))}</details>`
      : '',
    r.endToEnd
      ? `<h2>End to end (${escapeHtml(r.endToEnd.image)}, ${r.endToEnd.iterations} runs): ${r.endToEnd.fps.toFixed(1)} FPS</h2>`
      : '',
    r.endToEnd ? htmlTable(['stage', ...STAT_KEYS], endToEndRows(r), [false, ...STAT_KEYS.map(() => true)]) : '',
    '<h2>Settings</h2>',
    htmlKv(settingsRows(r)),
    '<h2>Machine</h2>',
    htmlKv(machineRows(r)),
    r.reference.length > 0 ? '<h2>Published reference figures for this device</h2>' : '',
    r.reference.length > 0 ? htmlTable(['model', 'FPS', 'latency ms', 'source'], referenceRows(r)) : '',
  ].join('\n');
  return renderPage({
    title: `gc-bench latency: ${r.model.name} on ${r.device.profile}`,
    subtitle: `${r.device.profileName} · ${r.session.placement.summary} · ${r.createdAt}`,
    sectionsBefore: before,
    charts: latencyCharts(r),
    sectionsAfter: after,
    footer: `${r.tool.name} ${r.tool.version} · report schema ${r.schema} · sha256 ${r.model.sha256.slice(0, 16)}…`,
  });
}
