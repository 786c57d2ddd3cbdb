/**
 * Public surface of gc-edge sessions: an onnxruntime-node InferenceSession created from a device
 * profile (execution providers tried in priority order, with fallback), plus what a user needs to
 * know about it — which provider it ended on and why, where its nodes actually run, and what model
 * it holds. Implementation: `create-session.ts`.
 *
 * A note on provider options: the stock onnxruntime-node binding forwards only `deviceId` to the
 * CUDA and TensorRT providers (every other key — trt_fp16_enable, trt_engine_cache_enable, ... — is
 * ignored by it). gc-edge keeps the full options in the device profile
 * (`ExecutionProviderSpec.options`) and passes them through, so a binding that forwards them picks
 * them up unchanged; {@link ProviderAttempt.forwarded} says what the stock binding actually used.
 */
import type { ExecutionProviderName } from '../devices/profile';

/** A model as a file path, or the ONNX ModelProto bytes. */
export type ModelSource = string | Uint8Array;

/** A dense float32 tensor, row-major (NCHW for images). */
export interface FloatTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Inputs (or outputs) by graph value name. */
export type TensorMap = Readonly<Record<string, FloatTensor>>;

/** How the main-thread session is created; everything else comes from the device profile. */
export interface CreateSessionOptions {
  /** Names the model in messages and errors; defaults to the path, or `<bytes>` for a buffer. */
  readonly name?: string;
  /**
   * Enable onnxruntime profiling so {@link GcSession.placement} can report where nodes run.
   * Default true. Only the first run is profiled: profiling ends when `placement()` is asked, when
   * the second run starts, or on release (whichever comes first), so it never grows with serving.
   */
  readonly profiling?: boolean;
  /**
   * Folder for the profiling trace (each trace is deleted as soon as it is read; the folder is the
   * caller's). Default: a per-thread temp folder (`gc-edge-profile-*` made with mkdtemp in the OS
   * temp folder), removed when its last session has ended profiling, and at exit.
   */
  readonly profileDir?: string;
  /**
   * onnxruntime log severity, 0 (verbose) .. 4 (fatal). Default: GC_EDGE_ORT_LOG_LEVEL (`verbose`,
   * `info`, `warning`, `error`, `fatal`), else 4: gc-edge reports load and inference failures itself.
   */
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/** One execution provider the session tried, in the order tried. */
export interface ProviderAttempt {
  readonly provider: ExecutionProviderName;
  readonly ok: boolean;
  /** Why it failed (onnxruntime's message, one line); absent when ok. */
  readonly error?: string;
  /**
   * The provider options the stock binding actually forwards (`{deviceId}` for cuda/tensorrt,
   * `{}` for cpu); the profile's other options were passed but are ignored by it.
   */
  readonly forwarded: Readonly<Record<string, string | number | boolean>>;
  /**
   * Set on the provider that loaded when the profile asks a precision other than fp32: what actually
   * applies there (the stock binding forwards no precision switch, so usually the graph's own types).
   */
  readonly precision?: string;
}

/** One graph input or output as onnxruntime reports it; symbolic dims are strings (`batch`). */
export interface TensorInfo {
  readonly name: string;
  /** onnxruntime's type name: `float32`, `int64`, ... */
  readonly type: string;
  readonly shape: readonly (number | string)[];
}

/** What the model is: I/O plus the gc-edge metadata_props the exporter writes. */
export interface ModelInfo {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /**
   * The exporter's architecture name, for people (consumers read the model contract); from metadata_props,
   * absent for models not made by gc-export.
   */
  readonly architecture?: string;
  /** Sub-network config string, e.g. `8_8_16_8_16_16_8_8`. */
  readonly config?: string;
  /** Multiply-accumulates per inference at the exported input size. */
  readonly macs?: number;
  /** Parameters of the exported sub-network. */
  readonly params?: number;
  readonly opset?: number;
  readonly producer?: string;
  /** Every metadata_props entry, verbatim. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Number of nodes in the ONNX graph (before onnxruntime's own fusions). */
  readonly graphNodes?: number;
}

/** Where the nodes of a session actually run, from an onnxruntime profiling trace. */
export interface Placement {
  /**
   * Kernels executed per provider, keyed by short name (`TensorRT`, `CUDA`, `CPU`, ...). A TensorRT
   * (or other fused) subgraph is one kernel; counts are after onnxruntime's graph optimisations.
   */
  readonly byProvider: Readonly<Record<string, number>>;
  /** Each executed node: its (optimised-graph) name, op type and provider short name. */
  readonly nodes: readonly { readonly name: string; readonly opType: string; readonly provider: string }[];
  /** Human summary, largest first: `43 kernels on TensorRT, 2 on CPU after graph optimisation`. */
  readonly summary: string;
}

/** Everything known about a loaded session that can be sent across threads (plain data). */
export interface SessionDescription {
  /** `CreateSessionOptions.name` or the path. */
  readonly name: string;
  /** The provider the session ended on. */
  readonly provider: ExecutionProviderName;
  readonly attempts: readonly ProviderAttempt[];
  readonly info: ModelInfo;
  /** Milliseconds spent creating the session (all attempts). */
  readonly loadMs: number;
}

/** A created session. `run` and `placement` block the calling thread; use workers to serve. */
export interface GcSession extends SessionDescription {
  /** Runs the model on float32 inputs; returns every float32 output. */
  run(feeds: TensorMap): Promise<TensorMap>;
  /**
   * Where nodes run, from the profiled first run. If no run happened since creation, runs one on
   * `feeds` (default: zeros at the model's warm-up shape, see `warmup-shape.ts`: static dims as they
   * are, symbolic ones from the `macs_input_shape` metadata or batch 1 x 256). `feeds` is ignored
   * once a run happened. Ends profiling; computed once and cached. Throws E_SESSION when the session
   * was created with `profiling: false`, or when the profiled run failed.
   */
  placement(feeds?: TensorMap): Promise<Placement>;
  release(): Promise<void>;
}
