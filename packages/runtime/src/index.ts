/** @gc-edge/runtime — public surface. */
export type * from './devices/profile';
export { loadDeviceProfile, listDeviceProfiles, deviceProfileIds, parseDeviceProfile } from './devices/load';
export { devicesDir, DEVICES_ENV } from './devices/dir';
export { detectDevice, systemProbe } from './devices/detect';
export type { DetectedDevice, DetectOptions, MachineProbe } from './devices/detect';
export { validateJson } from './devices/json-schema';
export type { JsonSchema, SchemaIssue } from './devices/json-schema';

// Sessions: execution providers from the device profile, fallback, placement, model info.
export type * from './session/types';
export { createSession } from './session/create-session';
export { parsePlacement, placementSummary } from './session/placement';

// Prebuilt TensorRT engines as EPContext models, checked at load (fall back to the ONNX model beside them).
export { wrapEngine, engineFactsOf, ENGINE_METADATA, ENGINE_PRECISIONS, EP_CONTEXT_DOMAIN } from './engine/ep-context';
export type { EngineFacts, EnginePrecision, WrapEngineOptions } from './engine/ep-context';
export { engineHost, engineMismatch, GPU_ARCH_ENV, TENSORRT_VERSION_ENV } from './engine/engine-check';
export type { EngineHost } from './engine/engine-check';

// Off-thread inference: one worker per session, pools with crash replacement and reload.
export type * from './worker/types';
export { startWorker } from './worker/thread-handle';
export { createPool } from './worker/pool';

// Image pipeline (sharp): encoded image <-> NCHW float32 in [-1, 1].
export type * from './image/types';
export { IMAGE_MIME } from './image/types';
export { preprocessImage, DEFAULT_MAX_PIXELS } from './image/preprocess';
export { encodeOutput, encodeRgb } from './image/postprocess';
export { rgbToTensor, tensorToRgb } from './image/tensor';
export { negotiateImageFormat, formatFromContentType } from './image/accept';

// Label maps (GauGAN / SPADE): PNG class ids or palette colours -> one-hot + instance edges.
export * from './label-map';

// gc-serve: the inference daemon (fastify; KServe v2 + image generate), usable in-process too.
export { createServer } from './serve/server';
export type { GcServer } from './serve/server';
export { runDaemon } from './serve/daemon';
export type { DaemonOptions } from './serve/daemon';
export type { ServeOptions } from './serve/options';
export { SERVE_DEFAULTS } from './serve/options';
