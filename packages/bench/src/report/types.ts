/**
 * The versioned latency report `gc-bench latency --json` writes and `gc-bench compare` reads.
 * Bump the version in LATENCY_REPORT_SCHEMA on any incompatible change; `report-schema.ts` holds the
 * JSON Schema the files are validated against.
 */
import type { MacConvention, Role } from '@gc-edge/core';
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
  /**
   * MACs of one inference at `inputShape`, i.e. for the whole batch; null when the graph holds an op
   * the MAC counter does not know (see warnings). Compare models with `macsPerImage`.
   */
  readonly macs: number | null;
  /** `macs` / batch: what papers quote ("GMACs per image"). Absent in reports of gc-bench < 0.2. */
  readonly macsPerImage?: number | null;
  readonly params: number | null;
  readonly macsConvention: MacConvention;
  readonly inputShape: readonly number[];
  /** From the model's metadata (gc-export writes it); null for other models. For people: compare reads `family` / `role`. */
  readonly architecture: string | null;
  readonly config: string | null;
  /**
   * The model contract's family and role (docs/model-contract.md): compare measures a family's
   * students against its teacher. null for a model without a contract; absent in reports written
   * before the contract (compare then derives them from `architecture`).
   */
  readonly family?: string | null;
  readonly role?: Role | null;
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

interface ReportProviderAttempt {
  readonly provider: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** One kernel onnxruntime executed, and the execution provider it ran on. */
export interface PlacedNode {
  /** Node name in onnxruntime's optimised graph (fused nodes get new names). */
  readonly name: string;
  readonly opType: string;
  /** Short provider name: CPU, CUDA, TensorRT, ... */
  readonly provider: string;
}

/**
 * Where the model ran, from onnxruntime's profiling trace of the first inference. Counts are of
 * executed kernels after onnxruntime's graph optimisations (fusions, layout transforms, inserted
 * copies), so they are not the model's ONNX node count (`graphNodes`).
 */
export interface ReportPlacement {
  /** Executed kernels per provider. */
  readonly byProvider: Readonly<Record<string, number>>;
  /** `206 kernels on CPU after graph optimisation (129 graph nodes)`. */
  readonly summary: string;
  /** Every executed kernel: node name -> provider. Absent in reports of gc-bench < 0.2. */
  readonly nodes?: readonly PlacedNode[];
  /** Kernels executed (the sum of byProvider). */
  readonly kernels?: number;
  /** Nodes in the ONNX file's graph, before onnxruntime's optimisations; null when unknown. */
  readonly graphNodes?: number | null;
}

export interface ReportSession {
  /** Providers tried in the profile's order, with why each failed. */
  readonly executionProviders: readonly ReportProviderAttempt[];
  /** The provider the session ended on. */
  readonly provider: string;
  readonly placement: ReportPlacement;
  readonly createMs: number;
  readonly firstRunMs: number;
}

export interface ReportThreads {
  readonly intraOp: number;
  /** As requested: onnxruntime uses no inter-op pool in sequential execution (how sessions run). */
  readonly interOp: number;
  /** What the profile or --threads / --inter-op-threads asked (0 = onnxruntime's default). */
  readonly requested?: { readonly intraOp: number; readonly interOp: number };
  readonly note?: string;
}

export interface ReportSettings {
  readonly batch: number;
  readonly inputShape: readonly number[];
  /**
   * Threads the session used: `intraOp` is the real pool size (onnxruntime's default resolved when
   * 0 was asked), `requested` what the profile / flags asked, `note` how it was resolved.
   */
  readonly threads: ReportThreads;
  /** The profile's precision; fp32 in effect when the session ended on CPU. */
  readonly precision: string;
  readonly graphOptimizationLevel: string;
  readonly warmupRuns: number;
  readonly warmupSeconds: number;
  readonly minIterations: number;
  readonly minDurationS: number;
  /** The time budget of the timed runs in seconds (null: none); absent in reports before it existed. */
  readonly timeBudgetS?: number | null;
  /** What ended the timed runs; absent in reports before it existed. */
  readonly stoppedBy?: 'minimums' | 'max-iterations' | 'time-budget';
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
