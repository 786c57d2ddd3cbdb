/** ONNX op type -> float64 reference implementation. One entry per op gc-edge emits. */
import { add, mul } from './ops/binary';
import { batchNorm } from './ops/batch-norm';
import { concat } from './ops/concat';
import { conv } from './ops/conv';
import { convTranspose } from './ops/conv-transpose';
import { instanceNorm } from './ops/instance-norm';
import { pad } from './ops/pad';
import { resize } from './ops/resize';
import { clip, identity, leakyRelu, relu, tanh } from './ops/unary';
import type { RefOp } from './tensor';

export const REFERENCE_OPS: Readonly<Record<string, RefOp>> = {
  Add: add,
  BatchNormalization: batchNorm,
  Clip: clip,
  Concat: concat,
  Conv: conv,
  ConvTranspose: convTranspose,
  Identity: identity,
  InstanceNormalization: instanceNorm,
  LeakyRelu: leakyRelu,
  Mul: mul,
  Pad: pad,
  Relu: relu,
  Resize: resize,
  Tanh: tanh,
};
