/**
 * The comparison behind `gc-bench compare`: one row per report, grouped by device, with the
 * speed-up over the original model measured on the same device. The original is the report whose
 * model is `--baseline` (name, path or sha256 prefix), else, per model, the teacher of its family
 * (the model contract's `gc_edge.family` / `gc_edge.role`, docs/model-contract.md): the full
 * generator its student was compressed from. A model without a contract (not made by gc-export) is
 * measured against the device's teacher when there is only one family's there.
 */
import * as path from 'node:path';
import { decodeContract, GcError, type Role } from '@gc-edge/core';
import { perImageMacs } from '../report/latency-sections';
import type { LatencyReport } from '../report/types';

export interface CompareRow {
  readonly file: string;
  /**
   * Where the model actually ran: the CPU when the session ended on the CPU provider (whatever
   * profile asked for more), else the profile plus its GPU; two different CPUs are two devices.
   */
  readonly device: string;
  /** The profile whose first provider was unavailable, when the run fell back to a later one. */
  readonly fellBackFrom: string | null;
  /** 1 for the first measurement of this model on this device, 2 for a repeat, ... */
  readonly run: number;
  readonly model: string;
  readonly architecture: string | null;
  readonly config: string | null;
  readonly provider: string;
  /** The input the model ran on (batch first) and its batch. */
  readonly inputShape: readonly number[];
  readonly batch: number;
  readonly fps: number;
  readonly p50: number;
  readonly p99: number;
  /** MACs per image (one batch element), the figure papers quote. */
  readonly macsPerImage: number | null;
  readonly macsConvention: string;
  readonly params: number | null;
  readonly stable: boolean;
  /** fps / baseline fps on the same device; null without a baseline there. */
  readonly speedup: number | null;
  /** baseline MACs per image / these MACs per image, same convention; null otherwise. */
  readonly macsReduction: number | null;
  readonly isBaseline: boolean;
  /** `model on device`, unique across rows (a repeated measurement gets ` #2`): chart labels. */
  readonly label: string;
}

export interface Comparison {
  readonly rows: readonly CompareRow[];
  readonly devices: readonly string[];
  readonly models: readonly string[];
  /** How the baseline was chosen, for the report. */
  readonly baseline: string;
}

export function deviceKey(r: LatencyReport): string {
  if (r.session.provider === 'cpu') return `cpu (${r.device.cpu.model})`;
  return `${r.device.profile} (${r.device.gpu ?? r.device.cpu.model})`;
}

/** The profile, when the session did not get the profile's first execution provider. */
function fallbackOf(r: LatencyReport): string | null {
  const wanted = r.session.executionProviders[0]?.provider;
  return wanted !== undefined && wanted !== r.session.provider ? r.device.profile : null;
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

/** A report's model family and role: as recorded, or for reports written before the contract, derived from its architecture. */
export function lineageOf(r: LatencyReport): { family: string | null; role: Role | null } {
  if (r.model.family !== undefined) return { family: r.model.family, role: r.model.role ?? null };
  const derived = r.model.architecture ? decodeContract({ architecture: r.model.architecture }) : undefined;
  return { family: derived?.family ?? null, role: derived?.role ?? null };
}

/** The teacher of a family: the baseline its students are measured against. */
export function isTeacher(r: LatencyReport): boolean {
  return lineageOf(r).role === 'teacher';
}

type Entry = { file: string; report: LatencyReport };

/** Each report's baseline on its device: `--baseline`'s model, else its family's teacher. */
function baselines(reports: readonly Entry[], baseline: string | undefined): (r: LatencyReport) => LatencyReport | undefined {
  const first = new Map<string, LatencyReport>();
  const claim = (key: string, r: LatencyReport): void => {
    if (!first.has(key)) first.set(key, r);
  };
  if (baseline !== undefined) {
    for (const x of reports) if (matchesBaseline(x.report, x.file, baseline)) claim(deviceKey(x.report), x.report);
    return (r) => first.get(deviceKey(r));
  }
  // device -> family -> the first teacher report of that family on that device
  const teachers = new Map<string, Map<string, LatencyReport>>();
  for (const { report: r } of reports) {
    const { family, role } = lineageOf(r);
    if (family === null || role !== 'teacher') continue;
    const device = deviceKey(r);
    const byFamily = teachers.get(device) ?? new Map<string, LatencyReport>();
    if (!byFamily.has(family)) byFamily.set(family, r);
    teachers.set(device, byFamily);
  }
  return (r) => {
    const byFamily = teachers.get(deviceKey(r));
    if (!byFamily) return undefined;
    const { family } = lineageOf(r);
    if (family !== null) return byFamily.get(family);
    return byFamily.size === 1 ? [...byFamily.values()][0] : undefined;
  };
}

const BY_CONTRACT = "the teacher of each model's family (the full generator, from the model contract in the metadata)";

export function buildComparison(reports: readonly Entry[], baseline?: string): Comparison {
  if (reports.length === 0) throw new GcError('E_ARGS', 'compare needs at least one report file');
  if (baseline !== undefined && !reports.some((x) => matchesBaseline(x.report, x.file, baseline))) {
    const names = [...new Set(reports.map((x) => x.report.model.name))].join(', ');
    throw new GcError('E_ARGS', `--baseline ${baseline}: no report is of that model; the reports hold: ${names}`);
  }
  const baseOf = baselines(reports, baseline);
  const seen = new Map<string, number>();
  const rows = reports.map(({ file, report: r }): CompareRow => {
    const key = deviceKey(r);
    const base = baseOf(r);
    const perImage = perImageMacs(r);
    const basePerImage = base ? perImageMacs(base) : null;
    const sameConvention = base !== undefined && base.model.macsConvention === r.model.macsConvention;
    const name = `${r.model.name} on ${key}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return {
      file,
      device: key,
      fellBackFrom: fallbackOf(r),
      run: n,
      model: r.model.name,
      architecture: r.model.architecture,
      config: r.model.config,
      provider: r.session.provider,
      inputShape: r.settings.inputShape,
      batch: r.settings.batch,
      fps: r.fps,
      p50: r.latencyMs.p50,
      p99: r.latencyMs.p99,
      macsPerImage: perImage,
      macsConvention: r.model.macsConvention,
      params: r.model.params,
      stable: r.stable,
      speedup: base ? r.fps / base.fps : null,
      macsReduction: sameConvention && basePerImage !== null && perImage ? basePerImage / perImage : null,
      isBaseline: base === r,
      label: n === 1 ? name : `${name} #${n}`,
    };
  });
  rows.sort((a, b) => a.device.localeCompare(b.device) || Number(b.isBaseline) - Number(a.isBaseline) || b.fps - a.fps);
  return {
    rows,
    devices: [...new Set(rows.map((r) => r.device))],
    models: [...new Set(rows.map((r) => r.model))],
    baseline: baseline !== undefined ? `--baseline ${baseline}` : BY_CONTRACT,
  };
}
