/**
 * A device profile (one JSON file per target in the repo's `devices/` folder): which execution
 * providers to try, in priority order, with their options; thread counts; precision; setup notes and
 * published reference figures.
 */
export type ExecutionProviderName = 'tensorrt' | 'cuda' | 'cpu';

export interface ExecutionProviderSpec {
  readonly name: ExecutionProviderName;
  /**
   * Provider options as the provider itself names them (e.g. trt_fp16_enable, trt_engine_cache_enable,
   * trt_dla_enable). The stock onnxruntime-node binding forwards only `deviceId` for cuda/tensorrt;
   * the rest are kept here for a binding that forwards them.
   */
  readonly options?: Readonly<Record<string, string | number | boolean>>;
}

export interface ReferenceFigure {
  readonly model: string;
  readonly fps?: number;
  readonly latencyMs?: number;
  readonly source: string;
}

export interface DeviceProfile {
  /** File name without .json, e.g. `jetson-agx-xavier`. */
  readonly id: string;
  readonly name: string;
  readonly architecture: 'x86_64' | 'aarch64';
  readonly executionProviders: readonly ExecutionProviderSpec[];
  readonly threads: { readonly intraOp: number; readonly interOp: number };
  readonly precision: 'fp32' | 'fp16' | 'int8';
  readonly graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  /** How to get onnxruntime with the GPU providers on this device. */
  readonly setup: readonly string[];
  readonly notes?: readonly string[];
  readonly reference?: readonly ReferenceFigure[];
}
