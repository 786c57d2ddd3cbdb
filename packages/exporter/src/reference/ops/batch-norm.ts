/** BatchNormalization, inference form: scale[c] * (x - mean[c]) / sqrt(var[c] + epsilon) + B[c]. */
import { type GraphNode, numel, shapeString } from '@gc-edge/core';
import { floatAttr, input, intAttr, refError } from '../node-access';
import type { RefTensor } from '../tensor';

export function batchNorm(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  if (intAttr(node, 'training_mode', 0) !== 0) throw refError(node, 'training_mode=1 is not implemented (inference only)');
  const x = input(node, inputs, 0, 'X');
  const params = ['scale', 'B', 'input_mean', 'input_var'].map((what, i) => input(node, inputs, i + 1, what));
  if (x.dims.length < 2) throw refError(node, `X must be at least 2-D [N, C, ...], got ${shapeString(x.dims)}`);
  const [N, C] = x.dims as [number, number];
  for (const p of params) {
    if (p.data.length !== C) {
      throw refError(node, `scale/B/mean/var must be [${C}] for X ${shapeString(x.dims)}, got ${shapeString(p.dims)}`);
    }
  }
  const [scale, bias, mean, variance] = params.map((p) => p.data) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const eps = floatAttr(node, 'epsilon', 1e-5);
  const plane = numel(x.dims.slice(2));
  const out = new Float64Array(x.data.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * plane;
      const k = scale[c]! / Math.sqrt(variance[c]! + eps);
      for (let i = 0; i < plane; i++) out[base + i] = (x.data[base + i]! - mean[c]!) * k + bias[c]!;
    }
  }
  return [{ dims: [...x.dims], data: out }];
}
