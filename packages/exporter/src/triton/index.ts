/** Serving an export elsewhere: Triton model repositories and KServe InferenceServices (see docs/triton-kserve.md). */
export { loadTritonDevice, tritonDevice } from './device-profile';
export type { TritonDevice } from './device-profile';
export { DEFAULT_TRITON_MAX_BATCH, tritonModelConfig } from './model-config';
export type { TritonConfigOptions } from './model-config';
export { ProtoEnum, protoEnum, toPbtxt } from './pbtxt';
export type { PbMessage, PbValue } from './pbtxt';
export { writeTritonModel } from './repository';
export type { TritonModelFiles } from './repository';
export { KSERVE_RUNTIMES, inferenceService, inferenceServiceYaml, kserveName } from './kserve-manifest';
export type { KServeOptions, KServeRuntime } from './kserve-manifest';
