/**
 * The versioned latency report `gc-bench latency --json` writes and `gc-bench compare` reads.
 * Bump the version in LATENCY_REPORT_SCHEMA on any incompatible change; `report-schema.ts` holds the
 * JSON Schema the files are validated against.
 */
import type { MacConvention } from '@gc-edge/exporter';
import type { ReferenceFigure } from '@gc-edge/runtime';
import type { CpuInfo, OsInfo } from '../latency/system-info';
import type { LatencyStats } from '../latency/stats';

export const LATENCY_REPORT_SCHEMA = 'gc-bench/latency-report@1';

export interface ReportModel {
  readonly path: string;
  /** File name without .onnx. */
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
  /** null when the graph holds an op the MAC counter does not know (see warnings). */
  readonly macs: number | null;
  readonly params: number | null;
  readonly macsConvention: MacConvention;
  readonly inputShape: readonly number[];
  /** From the model's metadata (gc-export writes it); null for other models. */
  readonly architecture: string | null;
  readonly config: string | null;
}

export interface ReportDevice {
  /** Profile id, e.g. `jetson-nano`. */
  readonly profile: string;
  readonly profileName: string;
  /** Why `--device auto` picked the profile; null when it was named. */
  readonly detectedBy: string | null;
  readonly cpu: CpuInfo;
  readonly gpu: string | null;
  readonly os: OsInfo;
  readonly node: string;
  readonly onnxruntime: string;
}

export interface ReportProviderAttempt {
  readonly provider: string;
  readonly ok: boolean;
  readonly error?: string;
}

export interface ReportSession {
  /** Providers tried in the profile's order, with why each failed. */
  readonly executionProviders: readonly ReportProviderAttempt[];
  /** The provider the session ended on. */
  readonly provider: string;
  /** Executed kernels per provider, from onnxruntime's profiling trace. */
  readonly placement: { readonly byProvider: Readonly<Record<string, number>>; readonly summary: string };
  readonly createMs: number;
  readonly firstRunMs: number;
}

export interface ReportSettings {
  readonly batch: number;
  readonly inputShape: readonly number[];
  readonly threads: { readonly intraOp: number; readonly interOp: number };
  /** The profile's precision; fp32 in effect when the session ended on CPU. */
  readonly precision: string;
  readonly graphOptimizationLevel: string;
  readonly warmupRuns: number;
  readonly warmupSeconds: number;
  readonly minIterations: number;
  readonly minDurationS: number;
  /** What the run actually did. */
  readonly iterations: number;
  readonly durationS: number;
  readonly cvThreshold: number;
  readonly endToEnd: boolean;
}

export type PipelineStage = 'decode' | 'preprocess' | 'inference' | 'postprocess' | 'encode';
export const PIPELINE_STAGES: readonly PipelineStage[] = ['decode', 'preprocess', 'inference', 'postprocess', 'encode'];

export interface EndToEndResult {
  /** The image used (a synthetic gradient PNG when none was given). */
  readonly image: string;
  readonly iterations: number;
  readonly stagesMs: Readonly<Record<PipelineStage, LatencyStats>>;
  readonly totalMs: LatencyStats;
  readonly fps: number;
}

export interface LatencyReport {
  readonly schema: typeof LATENCY_REPORT_SCHEMA;
  readonly createdAt: string;
  readonly tool: { readonly name: 'gc-bench'; readonly version: string };
  readonly model: ReportModel;
  readonly device: ReportDevice;
  readonly session: ReportSession;
  readonly settings: ReportSettings;
  readonly latencyMs: LatencyStats;
  readonly fps: number;
  readonly stable: boolean;
  readonly cv: number;
  /** Every timed latency, in order (for distributions in reports). */
  readonly samplesMs: readonly number[];
  readonly endToEnd: EndToEndResult | null;
  /** Published figures for this device from its profile. */
  readonly reference: readonly ReferenceFigure[];
  readonly warnings: readonly string[];
}
