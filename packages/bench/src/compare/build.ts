/**
 * The comparison behind `gc-bench compare`: one row per report, grouped by device, with the
 * speed-up over the original model measured on the same device. The original is the report whose
 * model is `--baseline` (name, path or sha256 prefix), else the one whose metadata says
 * `resnet_9blocks` (the full CycleGAN/pix2pix generator, no config).
 */
import * as path from 'node:path';
import { GcError } from '@gc-edge/exporter';
import type { LatencyReport } from '../report/types';

export interface CompareRow {
  readonly file: string;
  /** Device key: profile plus the concrete GPU/CPU, so two different CPUs are two devices. */
  readonly device: string;
  readonly model: string;
  readonly architecture: string | null;
  readonly config: string | null;
  readonly provider: string;
  readonly fps: number;
  readonly p50: number;
  readonly p99: number;
  readonly macs: number | null;
  readonly params: number | null;
  readonly stable: boolean;
  /** fps / baseline fps on the same device; null without a baseline there. */
  readonly speedup: number | null;
  /** baseline MACs / these MACs; null without a baseline (or MACs). */
  readonly macsReduction: number | null;
  readonly isBaseline: boolean;
}

export interface Comparison {
  readonly rows: readonly CompareRow[];
  readonly devices: readonly string[];
  readonly models: readonly string[];
  /** How the baseline was chosen, for the report. */
  readonly baseline: string;
}

export function deviceKey(r: LatencyReport): string {
  const hw = r.device.gpu ?? r.device.cpu.model;
  return `${r.device.profile} (${hw})`;
}

function matchesBaseline(r: LatencyReport, file: string, baseline: string): boolean {
  const b = baseline.toLowerCase();
  return (
    r.model.name.toLowerCase() === b ||
    path.basename(r.model.path).toLowerCase() === b ||
    r.model.path === baseline ||
    path.basename(file).toLowerCase() === b ||
    (b.length >= 8 && r.model.sha256.startsWith(b))
  );
}

export function isOriginalModel(r: LatencyReport): boolean {
  return r.model.architecture === 'resnet_9blocks' && !r.model.config;
}

export function buildComparison(reports: readonly { file: string; report: LatencyReport }[], baseline?: string): Comparison {
  if (reports.length === 0) throw new GcError('E_ARGS', 'compare needs at least one report file');
  const isBase = (x: { file: string; report: LatencyReport }): boolean =>
    baseline !== undefined ? matchesBaseline(x.report, x.file, baseline) : isOriginalModel(x.report);
  if (baseline !== undefined && !reports.some(isBase)) {
    const names = [...new Set(reports.map((x) => x.report.model.name))].join(', ');
    throw new GcError('E_ARGS', `--baseline ${baseline}: no report is of that model; the reports hold: ${names}`);
  }
  const baseByDevice = new Map<string, LatencyReport>();
  for (const x of reports) {
    const key = deviceKey(x.report);
    if (isBase(x) && !baseByDevice.has(key)) baseByDevice.set(key, x.report);
  }
  const rows = reports.map(({ file, report: r }): CompareRow => {
    const key = deviceKey(r);
    const base = baseByDevice.get(key);
    return {
      file,
      device: key,
      model: r.model.name,
      architecture: r.model.architecture,
      config: r.model.config,
      provider: r.session.provider,
      fps: r.fps,
      p50: r.latencyMs.p50,
      p99: r.latencyMs.p99,
      macs: r.model.macs,
      params: r.model.params,
      stable: r.stable,
      speedup: base ? r.fps / base.fps : null,
      macsReduction: base && base.model.macs !== null && r.model.macs ? base.model.macs / r.model.macs : null,
      isBaseline: base === r,
    };
  });
  rows.sort((a, b) => a.device.localeCompare(b.device) || Number(b.isBaseline) - Number(a.isBaseline) || b.fps - a.fps);
  return {
    rows,
    devices: [...new Set(rows.map((r) => r.device))],
    models: [...new Set(rows.map((r) => r.model))],
    baseline: baseline !== undefined ? `--baseline ${baseline}` : 'the original resnet_9blocks model (from the model metadata)',
  };
}
