/** Add and Mul with numpy-style multidirectional broadcasting. */
import { type GraphNode, numel, shapeString, strides } from '@gc-edge/core';
import { input, refError } from '../node-access';
import type { RefTensor } from '../tensor';

function broadcastDims(node: GraphNode, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw refError(node, `shapes ${shapeString(a)} and ${shapeString(b)} do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Strides of `dims` seen from an output of rank `rank`: 0 on broadcast axes. */
function broadcastStrides(dims: readonly number[], rank: number): number[] {
  const s = strides(dims);
  const out = new Array<number>(rank).fill(0);
  for (let i = 0; i < dims.length; i++) out[rank - dims.length + i] = dims[i] === 1 ? 0 : s[i]!;
  return out;
}

function binary(node: GraphNode, inputs: readonly (RefTensor | undefined)[], f: (x: number, y: number) => number): RefTensor[] {
  const a = input(node, inputs, 0, 'A');
  const b = input(node, inputs, 1, 'B');
  const dims = broadcastDims(node, a.dims, b.dims);
  const out = new Float64Array(numel(dims));
  const ad = a.data;
  const bd = b.data;
  if (ad.length === out.length && bd.length === out.length) {
    for (let i = 0; i < out.length; i++) out[i] = f(ad[i]!, bd[i]!);
    return [{ dims, data: out }];
  }
  const rank = dims.length;
  const as = broadcastStrides(a.dims, rank);
  const bs = broadcastStrides(b.dims, rank);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let ia = 0;
    let ib = 0;
    for (let k = 0; k < rank; k++) {
      ia += idx[k]! * as[k]!;
      ib += idx[k]! * bs[k]!;
    }
    out[o] = f(ad[ia]!, bd[ib]!);
    for (let k = rank - 1; k >= 0 && ++idx[k]! === dims[k]; k--) idx[k] = 0;
  }
  return [{ dims, data: out }];
}

export function add(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  return binary(node, inputs, (x, y) => x + y);
}

export function mul(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  return binary(node, inputs, (x, y) => x * y);
}
