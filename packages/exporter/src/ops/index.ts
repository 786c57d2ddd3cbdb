/**
 * Graph builders, one ONNX op kind per file. Each adds its node(s) to a GraphBuilder with the
 * attributes opsets 11-17 expect and returns the produced value's name; weights become initializers
 * named after the node (`block3.sep1.depthwise.weight`), shape constants are shared per graph.
 * `registry.ts` pairs each op with its reference kernel; README.md says how to add an op.
 */
export { add } from './add';
export { batchNorm } from './batch-norm';
export { clip } from './clip';
export { concat } from './concat';
export { conv } from './conv';
export { convTranspose } from './conv-transpose';
export { instanceNorm } from './instance-norm';
export { leakyRelu } from './leaky-relu';
export { mul } from './mul';
export { pad } from './pad';
export { relu } from './relu';
export { resizeNearest } from './resize';
export { tanh } from './tanh';
export type { ConvOptions } from './conv';
export type { ConvTransposeOptions } from './conv-transpose';
export type { PadMode, Pads2d } from './pad';
export type { ResizeTarget } from './resize';
export type { BatchNormStats } from './batch-norm';
export { constFloat, constFloats, constInt64s } from './constants';
