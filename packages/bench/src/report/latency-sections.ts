/** The content of a latency report as rows, shared by the terminal, Markdown and HTML renderers. */
import type { LatencyStats } from '../latency/stats';
import { formatMacs, formatParams, fpsText, ms, percent } from './format';
import { PIPELINE_STAGES, type LatencyReport } from './types';

export type Rows = [string, string][];

/** MACs per image (what papers quote); reports before macsPerImage existed divide by the batch. */
export function perImageMacs(r: LatencyReport): number | null {
  if (r.model.macsPerImage !== undefined) return r.model.macsPerImage;
  return r.model.macs === null ? null : r.model.macs / r.settings.batch;
}

function macsText(r: LatencyReport): string {
  const batch = r.settings.batch;
  const total = batch > 1 && r.model.macs !== null ? `; ${formatMacs(r.model.macs)} per run of batch ${batch}` : '';
  const params = `${formatParams(r.model.params)} params (${r.model.macsConvention} convention)`;
  return `${formatMacs(perImageMacs(r))} MACs per image${total} / ${params}`;
}

export function summaryRows(r: LatencyReport): Rows {
  return [
    ['Model', `${r.model.name}${r.model.architecture ? ` (${r.model.architecture}${r.model.config ? ` ${r.model.config}` : ''})` : ''}`],
    ['Input', `${r.settings.inputShape.join('x')} (batch ${r.settings.batch})`],
    ['MACs / params', macsText(r)],
    ['Device profile', `${r.device.profile} — ${r.device.profileName}${r.device.detectedBy ? ` (auto: ${r.device.detectedBy})` : ''}`],
    ['Execution provider', `${r.session.provider}; ${r.session.placement.summary}`],
    ['Latency p50 / p99', `${ms(r.latencyMs.p50)} ms / ${ms(r.latencyMs.p99)} ms`],
    ['Throughput', `${fpsText(r.fps)} FPS (batch ${r.settings.batch} x 1000 / mean ${ms(r.latencyMs.mean)} ms)`],
    ['Stability', `${r.stable ? 'stable' : 'UNSTABLE'}: CV ${percent(r.cv)} (threshold ${percent(r.settings.cvThreshold)})`],
    ['Session creation / first run', `${ms(r.session.createMs)} ms / ${ms(r.session.firstRunMs)} ms`],
  ];
}

export const STAT_KEYS: readonly (keyof LatencyStats)[] = ['min', 'p50', 'p90', 'p95', 'p99', 'max', 'mean', 'std'];

export function statsRow(s: LatencyStats): string[] {
  return STAT_KEYS.map((k) => ms(s[k]));
}

function threadsText(t: LatencyReport['settings']['threads']): string {
  if (t.note) return `${t.intraOp} intra-op — ${t.note}`;
  // reports before gc-bench 0.2 kept the requested counts only
  const count = (n: number): string | number => (n === 0 ? "onnxruntime's default" : n);
  return `intra-op ${count(t.intraOp)} / inter-op ${count(t.interOp)}`;
}

export function settingsRows(r: LatencyReport): Rows {
  const s = r.settings;
  return [
    ['Threads', threadsText(s.threads)],
    ['Precision (profile)', s.precision],
    ['Graph optimisation', s.graphOptimizationLevel],
    ['Warm-up', `${s.warmupRuns} runs, ${s.warmupSeconds.toFixed(2)} s (excluded)`],
    ['Timed', `${s.iterations} runs in ${s.durationS.toFixed(2)} s (minimum ${s.minIterations} runs and ${s.minDurationS} s)`],
    ['Providers tried', r.session.executionProviders.map((a) => `${a.provider} ${a.ok ? 'ok' : `failed (${a.error ?? ''})`}`).join('; ')],
  ];
}

export function machineRows(r: LatencyReport): Rows {
  const d = r.device;
  return [
    ['CPU', `${d.cpu.model} (${d.cpu.logicalCores} logical cores, ${d.cpu.arch})`],
    ['GPU', d.gpu ?? 'none visible'],
    ['OS', `${d.os.distro ?? d.os.platform} (${d.os.platform} ${d.os.release})`],
    ['Node.js / onnxruntime-node', `${d.node} / ${d.onnxruntime}`],
    ['Measured', `${r.createdAt} with ${r.tool.name} ${r.tool.version}`],
  ];
}

/** Kernels per provider, largest first. */
export function placementRows(r: LatencyReport): string[][] {
  return Object.entries(r.session.placement.byProvider)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([p, n]) => [p, String(n)]);
}

export const NODE_HEADER = ['node (optimised graph)', 'op', 'execution provider'] as const;

/** Every executed kernel and its provider, in execution order (empty for old reports). */
export function nodeRows(r: LatencyReport): string[][] {
  return (r.session.placement.nodes ?? []).map((n) => [n.name, n.opType, n.provider]);
}

/** The collapsible table's title: `Per-node placement (206 kernels after graph optimisation; 129 graph nodes)`. */
export function nodesTitle(r: LatencyReport): string {
  const p = r.session.placement;
  const kernels = p.nodes?.length ?? 0;
  const graph = p.graphNodes !== undefined && p.graphNodes !== null ? `; the ONNX graph has ${p.graphNodes} nodes` : '';
  return `Per-node placement: ${kernels} ${kernels === 1 ? 'kernel' : 'kernels'} after graph optimisation${graph}`;
}

export function endToEndRows(r: LatencyReport): string[][] {
  const e = r.endToEnd;
  if (!e) return [];
  return [...PIPELINE_STAGES.map((st) => [st, ...statsRow(e.stagesMs[st])]), ['total', ...statsRow(e.totalMs)]];
}

export function referenceRows(r: LatencyReport): string[][] {
  return r.reference.map((f) => [
    f.model,
    f.fps !== undefined ? `${f.approximate ? '~' : ''}${f.fps}` : '',
    f.latencyMs !== undefined ? String(f.latencyMs) : '',
    f.source,
  ]);
}
