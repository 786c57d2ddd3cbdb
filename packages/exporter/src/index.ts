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
