/** @gc-edge/exporter — public surface. */
export { readStateDict, loadStateDict } from './weights';
export * as ops from './ops';
export { runReference, REFERENCE_OPS } from './reference';
export type { RefOp, RefTensor } from './reference';
export { getArchitecture, architectureNames, ARCHITECTURES } from './architectures/registry';
export type { Architecture, ArchitectureContract, SubnetForm, WeightsKind } from './architectures/architecture';
// The export pipeline (what gc-export runs) and its parts.
export { exportSubnet, buildModel, modelContract, resolveWeights, DEFAULT_OPSET, MIN_OPSET, MAX_OPSET } from './export';
export type { ExportOptions, ExportResult, ExportSummary, ResolvedWeights } from './export';
export { loadSubnetSpec, parseSubnetSpec, COMMON_FIELDS } from './subnet/parse';
export { parseConfig, formatConfig } from './subnet/config';
export type { SubnetSpec, InputSpec } from './subnet/spec';
export { randomStateDict } from './random-init';
export { describeCriterion, meetsCriterion, verifyModel, seededInput, VERIFY_CRITERIA, VERIFY_TOLERANCE } from './verify';
export type { VerifyCriterion, VerifyResult } from './verify';
export { DEFAULT_KEPT_OPS, toFp16, withPrecision } from './precision';
export type { Fp16Options, Fp16Result, PrecisionOptions } from './precision';
export { checkStateDict } from './weights/check';
// Serving the export on Triton / KServe (gc-export --triton, --kserve).
export * from './triton';
