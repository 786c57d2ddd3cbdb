/**
 * Graph builders, one ONNX op kind per file. Each adds its node(s) to a GraphBuilder with the
 * attributes opsets 11-17 expect and returns the produced value's name; weights become initializers
 * named after the node (`block3.sep1.depthwise.weight`), shape constants are shared per graph.
 */
import { add } from './add';
import { batchNorm } from './batch-norm';
import { clip } from './clip';
import { concat } from './concat';
import { conv } from './conv';
import { convTranspose } from './conv-transpose';
import { instanceNorm } from './instance-norm';
import { leakyRelu } from './leaky-relu';
import { mul } from './mul';
import { pad } from './pad';
import { relu } from './relu';
import { resizeNearest } from './resize';
import { tanh } from './tanh';

export { add, batchNorm, clip, concat, conv, convTranspose, instanceNorm, leakyRelu, mul, pad, relu, resizeNearest, tanh };
export { convOutputShape } from './conv';
export type { ConvOptions } from './conv';
export { convTransposeOutputShape } from './conv-transpose';
export type { ConvTransposeOptions } from './conv-transpose';
export { padOutputShape, pads2d, onnxPads } from './pad';
export type { PadMode, Pads2d } from './pad';
export { resizeOutputShape } from './resize';
export type { ResizeTarget } from './resize';
export type { BatchNormStats } from './batch-norm';
export { INSTANCE_NORM_EPS } from './instance-norm';
export { MIN_OPSET, MAX_OPSET, DEFAULT_OPSET, checkOpset } from './opset';
export { constFloat, constFloats, constInt64s } from './constants';

/** ONNX op type -> the builder that emits it (the reference interpreter's registry mirrors this). */
export const OP_BUILDERS = {
  Add: add,
  BatchNormalization: batchNorm,
  Clip: clip,
  Concat: concat,
  Conv: conv,
  ConvTranspose: convTranspose,
  InstanceNormalization: instanceNorm,
  LeakyRelu: leakyRelu,
  Mul: mul,
  Pad: pad,
  Relu: relu,
  Resize: resizeNearest,
  Tanh: tanh,
} as const;
