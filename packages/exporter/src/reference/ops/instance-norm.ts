/** InstanceNormalization: per (n, c), scale[c] * (x - mean) / sqrt(var + epsilon) + B[c], biased variance. */
import { type GraphNode, numel, shapeString } from '@gc-edge/core';
import { floatAttr, input, refError } from '../node-access';
import type { RefTensor } from '../tensor';

export function instanceNorm(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  const x = input(node, inputs, 0, 'input');
  const scale = input(node, inputs, 1, 'scale');
  const bias = input(node, inputs, 2, 'B');
  if (x.dims.length < 3) throw refError(node, `input must be at least 3-D [N, C, ...], got ${shapeString(x.dims)}`);
  const [N, C] = x.dims as [number, number];
  if (scale.data.length !== C || bias.data.length !== C) {
    throw refError(
      node,
      `scale ${shapeString(scale.dims)} and B ${shapeString(bias.dims)} must both be [${C}] for input ${shapeString(x.dims)}`,
    );
  }
  const eps = floatAttr(node, 'epsilon', 1e-5);
  const plane = numel(x.dims.slice(2));
  const out = new Float64Array(x.data.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * plane;
      let sum = 0;
      for (let i = 0; i < plane; i++) sum += x.data[base + i]!;
      const mean = sum / plane;
      let sq = 0;
      for (let i = 0; i < plane; i++) {
        const d = x.data[base + i]! - mean;
        sq += d * d;
      }
      const k = scale.data[c]! / Math.sqrt(sq / plane + eps);
      const b = bias.data[c]!;
      for (let i = 0; i < plane; i++) out[base + i] = (x.data[base + i]! - mean) * k + b;
    }
  }
  return [{ dims: [...x.dims], data: out }];
}
