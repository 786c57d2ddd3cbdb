/** @gc-edge/exporter — public surface. */
export { GcError, formatError, isGcError } from './errors';
export type { GcErrorCode, GcErrorOptions } from './errors';
export type { Tensor, StateDict } from './tensor';
export { numel, shapeString } from './tensor';
export { GraphBuilder, attr } from './onnx/graph';
export type { Graph, GraphNode, Model, ValueInfo, InitializerData, AttributeValue, Dim } from './onnx/graph';
export { encodeModel, decodeModel } from './onnx/codec';
export { parseNpy, formatNpy } from './npy';
export type { NpyArray } from './npy';
export { readStateDict, loadStateDict } from './weights';
export * as ops from './ops';
export { runReference, REFERENCE_OPS } from './reference';
export type { RefOp, RefTensor } from './reference';
export { getArchitecture, architectureNames, ARCHITECTURES } from './architectures/registry';
export type { Architecture } from './architectures/architecture';
// MACs and parameters from an ONNX graph (paper = torchprofile 2020 rules, or exact).
export { countMacs, readModelForCounting, checkConvention, resolveInputShapes, supportedOps, MAC_CONVENTIONS } from './macs';
export type { CountOptions, LayerCount, MacConvention, MacCount, ShapeOverrides } from './macs';
// The export pipeline (what gc-export runs) and its parts.
export { exportSubnet, buildModel, resolveWeights, DEFAULT_OPSET, MIN_OPSET, MAX_OPSET } from './export';
export type { ExportOptions, ExportResult, ExportSummary } from './export';
export { loadSubnetSpec, parseSubnetSpec, COMMON_FIELDS } from './subnet/parse';
export { parseConfig, formatConfig } from './subnet/config';
export type { SubnetSpec, InputSpec } from './subnet/spec';
export { randomStateDict, seededRandom } from './random-init';
export { verifyModel, seededInput, VERIFY_TOLERANCE } from './verify';
export type { VerifyResult } from './verify';
export { writeFileAtomic, writeFileAtomicSync } from './atomic-write';
export { checkStateDict } from './weights/check';
export { gcEdgeVersion } from './version';
export { readRegularFile } from './files';
export { runCli, lastValue } from './cli/run-cli';
export type { CliDefinition } from './cli/run-cli';
export { maxAbsDiff } from './max-abs-diff';
export { ortLogLevel, ORT_LOG_ENV, ORT_LOG_LEVELS } from './ort-log';
export type { OrtLogLevel, OrtLogSeverity } from './ort-log';
