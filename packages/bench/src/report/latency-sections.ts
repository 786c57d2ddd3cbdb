/** The content of a latency report as rows, shared by the terminal, Markdown and HTML renderers. */
import type { LatencyStats } from '../latency/stats';
import { formatMacs, formatParams, fpsText, ms, percent } from './format';
import { PIPELINE_STAGES, type LatencyReport } from './types';

export type Rows = [string, string][];

export function summaryRows(r: LatencyReport): Rows {
  return [
    ['Model', `${r.model.name}${r.model.architecture ? ` (${r.model.architecture}${r.model.config ? ` ${r.model.config}` : ''})` : ''}`],
    ['Input', r.settings.inputShape.join('x')],
    ['MACs / params', `${formatMacs(r.model.macs)} / ${formatParams(r.model.params)} (${r.model.macsConvention} convention)`],
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

export function settingsRows(r: LatencyReport): Rows {
  const s = r.settings;
  return [
    ['Threads (intra-op / inter-op)', `${s.threads.intraOp === 0 ? 'default' : s.threads.intraOp} / ${s.threads.interOp === 0 ? 'default' : s.threads.interOp}`],
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

export function placementRows(r: LatencyReport): string[][] {
  return Object.entries(r.session.placement.byProvider)
    .sort((a, b) => b[1] - a[1])
    .map(([p, n]) => [p, String(n)]);
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
