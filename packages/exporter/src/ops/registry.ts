/**
 * The one table of the ONNX ops gc-export emits, each with its faces:
 * - `build`: the graph builder in this folder that writes the node (`ops/<op>.ts`);
 * - `reference`: the float64 kernel `--verify` and the golden tests run it with (`reference/ops/`);
 * - its MAC and parameter rule lives in @gc-edge/core (`core/src/macs/ops/`, table
 *   `core/src/macs/registry.ts`), because gc-bench counts any ONNX file, torch exports included.
 * `test/ops/registry.test.ts` checks that every op here has a MAC rule and that the architectures emit
 * no op missing here. Adding an op: `README.md` in this folder.
 */
import { GraphBuilder } from '@gc-edge/core';
import { batchNorm } from '../reference/ops/batch-norm';
import { add, mul } from '../reference/ops/binary';
import { concat } from '../reference/ops/concat';
import { conv } from '../reference/ops/conv';
import { convTranspose } from '../reference/ops/conv-transpose';
import { instanceNorm } from '../reference/ops/instance-norm';
import { pad } from '../reference/ops/pad';
import { resize } from '../reference/ops/resize';
import { clip, identity, leakyRelu, relu, tanh } from '../reference/ops/unary';
import type { RefOp } from '../reference/tensor';
import * as ops from './index';

interface OpFaces {
  /** Writes the node (builders take different arguments after the GraphBuilder and node name). */
  readonly build: (...args: never[]) => string;
  /** Computes the node in float64. */
  readonly reference: RefOp;
}

/** ONNX op type -> its builder and its reference kernel. */
export const EMITTED_OPS = {
  Add: { build: ops.add, reference: add },
  BatchNormalization: { build: ops.batchNorm, reference: batchNorm },
  Clip: { build: ops.clip, reference: clip },
  Concat: { build: ops.concat, reference: concat },
  Conv: { build: ops.conv, reference: conv },
  ConvTranspose: { build: ops.convTranspose, reference: convTranspose },
  /** Written by core's GraphBuilder itself: `rename` of a graph input to a graph output. */
  Identity: { build: (g: GraphBuilder, from: string, to: string) => g.rename(from, to), reference: identity },
  InstanceNormalization: { build: ops.instanceNorm, reference: instanceNorm },
  LeakyRelu: { build: ops.leakyRelu, reference: leakyRelu },
  Mul: { build: ops.mul, reference: mul },
  Pad: { build: ops.pad, reference: pad },
  Relu: { build: ops.relu, reference: relu },
  Resize: { build: ops.resizeNearest, reference: resize },
  Tanh: { build: ops.tanh, reference: tanh },
} as const satisfies Readonly<Record<string, OpFaces>>;

/** ONNX op type -> float64 reference kernel: the table `runReference` looks nodes up in. */
export const REFERENCE_OPS: Readonly<Record<string, RefOp>> = Object.fromEntries(
  Object.entries(EMITTED_OPS).map(([opType, faces]) => [opType, faces.reference]),
);
