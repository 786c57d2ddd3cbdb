/**
 * MatMul (numpy semantics, broadcast batch dims) and Gemm (alpha A' B' + beta C).
 * Both conventions: output elements x the reduced dimension K. exact adds one per output element
 * for Gemm's C. Learned: the constant operand(s) of MatMul, B and C of Gemm.
 */
import { numel, shapeString } from '../../tensor/tensor';
import type { NodeContext, OpRule } from '../types';
import { attrInt, broadcastShapes, graphError, input, value } from '../values';

function matmulShapes(ctx: NodeContext): { out: number[]; k: number } {
  const a = input(ctx, 0, 'input A').shape;
  const b = input(ctx, 1, 'input B').shape;
  if (a.length === 0 || b.length === 0) throw graphError(ctx, 'MatMul of a scalar');
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const k = a2[a2.length - 1]!;
  if (k !== b2[b2.length - 2]) throw graphError(ctx, `cannot multiply ${shapeString(a)} by ${shapeString(b)}`);
  const batch = broadcastShapes(ctx, [a2.slice(0, -2), b2.slice(0, -2)]);
  const out = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]!);
  if (b.length > 1) out.push(b2[b2.length - 1]!);
  return { out, k };
}

export const matmulRule: OpRule = {
  opTypes: ['MatMul'],
  infer: (ctx) => [value(matmulShapes(ctx).out, 'float')],
  macs: (ctx, outputs) => numel(outputs[0]!.shape) * matmulShapes(ctx).k,
  learnedInputs: () => [0, 1],
};

function gemmDims(ctx: NodeContext): { m: number; n: number; k: number } {
  const a = input(ctx, 0, 'input A').shape;
  const b = input(ctx, 1, 'input B').shape;
  if (a.length !== 2 || b.length !== 2) throw graphError(ctx, `Gemm needs 2-D inputs, got ${shapeString(a)} and ${shapeString(b)}`);
  const [m, k] = attrInt(ctx, 'transA', 0) ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
  const [kb, n] = attrInt(ctx, 'transB', 0) ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
  if (k !== kb) throw graphError(ctx, `cannot multiply ${shapeString(a)} by ${shapeString(b)} (transA/transB applied)`);
  return { m, n, k };
}

export const gemmRule: OpRule = {
  opTypes: ['Gemm'],
  infer(ctx) {
    const { m, n } = gemmDims(ctx);
    return [value([m, n], 'float')];
  },
  macs(ctx, _outputs, convention) {
    const { m, n, k } = gemmDims(ctx);
    const bias = convention === 'exact' && ctx.inputs[2] !== undefined ? m * n : 0;
    return m * n * k + bias;
  },
  learnedInputs: () => [1, 2],
};
