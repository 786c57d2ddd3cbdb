/**
 * A device profile (one JSON file per target in the repo's `devices/` folder): which execution
 * providers to try, in priority order, with their options; thread counts; precision; setup notes and
 * published reference figures.
 */
export type ExecutionProviderName = 'tensorrt' | 'cuda' | 'webgpu' | 'cpu';

export interface ExecutionProviderSpec {
  readonly name: ExecutionProviderName;
  /**
   * Provider options as the provider itself names them (e.g. trt_fp16_enable, trt_engine_cache_enable,
   * trt_dla_enable). The stock onnxruntime-node binding forwards only `deviceId` for cuda/tensorrt;
   * the rest are kept here for a binding that forwards them. `webgpu` takes the binding's own names
   * (`preferredLayout`, `validationMode`, ...; see providers.ts) and fails to load on any other.
   */
  readonly options?: Readonly<Record<string, string | number | boolean>>;
}

export interface ReferenceFigure {
  readonly model: string;
  readonly fps?: number;
  readonly latencyMs?: number;
  /** True when the figure is a rounded or indirect one (e.g. read off a demo), not a table entry. */
  readonly approximate?: boolean;
  readonly source: string;
  readonly note?: string;
}

/** How `--device auto` recognises a device (see `detectDevice`). */
export interface DeviceDetection {
  /**
   * Entries matched against /proc/device-tree/compatible (the primary key): `vendor,token`, equal to
   * a whole compatible string (`nvidia,tegra234`) or naming a part number inside a board string
   * (`nvidia,p3668` matches `nvidia,p3509-0000+p3668-0001`). Use module part numbers, not carrier
   * boards: carriers are shared (p3509 carries Xavier NX, Orin NX and TX2 NX modules).
   */
  readonly deviceTreeCompatible?: readonly string[];
  /**
   * Fallback when no compatible entry matches: case-insensitive substrings of
   * /proc/device-tree/model; `^`/`$` anchor them (`^Jetson-AGX$` is that exact string).
   */
  readonly deviceTreeModel?: readonly string[];
  /** Matches a non-Jetson machine with an NVIDIA GPU driver. */
  readonly nvidiaGpu?: boolean;
  /** The profile picked when nothing else matches. */
  readonly fallback?: boolean;
}

export interface DeviceProfile {
  /** File name without .json, e.g. `jetson-agx-xavier`. */
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** `any` for profiles that run everywhere (cpu). */
  readonly architecture: 'x86_64' | 'aarch64' | 'any';
  readonly executionProviders: readonly ExecutionProviderSpec[];
  /**
   * Thread pools. `spinning` (default true, onnxruntime's default) lets idle pool threads spin-wait
   * for work: lowest latency when the model owns the cores, wasted CPU when other work (the daemon's
   * HTTP and image stages, other sessions) needs them.
   */
  readonly threads: { readonly intraOp: number; readonly interOp: number; readonly spinning?: boolean };
  readonly precision: 'fp32' | 'fp16' | 'int8';
  readonly graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  /** How to get onnxruntime with the GPU providers on this device. */
  readonly setup: readonly string[];
  readonly notes?: readonly string[];
  readonly reference?: readonly ReferenceFigure[];
  readonly detect?: DeviceDetection;
}
