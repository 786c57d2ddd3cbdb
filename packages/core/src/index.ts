/**
 * @gc-edge/core — the floor every gc-edge tool stands on. It imports no other workspace package.
 *
 * - errors: one error type with a stable code, a one-line message and a hint;
 * - cli: the command-line shell the three CLIs share (the bin launcher is `bin/launch.js`);
 * - files: bounded reads of user-named files, atomic writes;
 * - tensor: dense float32 tensors, `.npy`, seeded random numbers, max abs diff, tensor comparison, float16;
 * - onnx: the model type, its builder and the protobuf codec, node outputs exposed as graph outputs;
 * - macs: MACs and parameters of an ONNX graph (the paper's convention or exact);
 * - contract: what a consumer needs to know about a model, in its metadata (docs/model-contract.md);
 * - ort-log: the one onnxruntime log-level rule; version: the gc-edge version.
 */
export { GcError, formatError, isGcError } from './errors';
export type { GcErrorCode, GcErrorOptions } from './errors';
export { lastValue, numberOption, runCli } from './cli/run-cli';
export type { CliDefinition, GcCommand } from './cli/run-cli';
export { closest, editDistance } from './cli/closest';
export { formatDuration, progressBar } from './cli/progress';
export type { ProgressBar, ProgressOptions } from './cli/progress';
export { readFailureReason, readRegularFile } from './files/read-regular-file';
export { escapedPreview, FORMAT_NAMES, knownFormat, looksBinary, parseJsonFile } from './files/json-file';
export type { JsonFileOptions } from './files/json-file';
export { removePendingTemps, resolveWriteTarget, writeFileAtomic, writeFileAtomicSync } from './files/atomic-write';
export type { Tensor, StateDict } from './tensor/tensor';
export { numel, shapeString, strides } from './tensor/tensor';
export { parseNpy, formatNpy } from './tensor/npy';
export type { NpyArray } from './tensor/npy';
export { seededRandom } from './tensor/seeded-random';
export { maxAbsDiff } from './tensor/max-abs-diff';
export { compareTensors } from './tensor/compare';
export { FLOAT16_MAX, floatToHalf, fromFloat16Bits, halfToFloat, toFloat16Bits } from './tensor/float16';
export type { TensorComparison } from './tensor/compare';
export { GraphBuilder, attr } from './onnx/graph';
export type { Graph, GraphNode, Model, ValueInfo, InitializerData, AttributeValue, Dim } from './onnx/graph';
export { encodeModel, decodeModel, decodeModelProto } from './onnx/codec';
export { exposeValues, nodesInOrder, PROBE_SUFFIX } from './onnx/expose-values';
export type { NodeOutputs } from './onnx/expose-values';
export { convOutputSize, convTransposeOutputSize } from './onnx/conv-output-size';
export type { ConvAxis } from './onnx/conv-output-size';
export { EXPORT_SHAPE_METADATA, parseShapeString, withExportShape } from './macs';
export { countMacs, readModelForCounting, checkConvention, resolveInputShapes, supportedOps, MAC_CONVENTIONS } from './macs';
export type { CountOptions, LayerCount, MacConvention, MacCount, ShapeOverrides } from './macs';
export {
  CONTRACT_KEY,
  CONTRACT_VERSION,
  INPUT_KINDS,
  OUTPUT_KINDS,
  POSTPROCESSING,
  POSTPROCESSING_OF,
  PREPROCESSING,
  PREPROCESSING_OF,
  ROLES,
  PRECISIONS,
  PRECISION_IO_KEY,
  PRECISION_KEPT_KEY,
  PRECISION_KEY,
  checkContractIo,
  decodeContract,
  decodePrecision,
  encodePrecision,
  describeSizeRule,
  encodeContract,
  fitUp,
  fitsSizeRule,
  readContract,
} from './contract';
export type {
  ContractInput,
  ContractOutput,
  GraphIo,
  InputKind,
  ModelContract,
  ModelPrecision,
  OutputKind,
  Precision,
  Postprocessing,
  Preprocessing,
  ReadContract,
  Role,
  Size,
  SizeRule,
} from './contract';
export { ortLogLevel, ORT_LOG_ENV, ORT_LOG_LEVELS } from './ort-log';
export type { OrtLogLevel, OrtLogSeverity } from './ort-log';
export { gcEdgeVersion } from './version';
