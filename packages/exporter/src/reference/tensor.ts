/** Values of the float64 reference interpreter: dims + float64 data in C order (int64 constants widened). */
import type { GraphNode } from '@gc-edge/core';

export interface RefTensor {
  readonly dims: readonly number[];
  readonly data: Float64Array;
}

/** One op's forward: the node (attributes, name for errors) and its inputs ('' inputs are undefined). */
export type RefOp = (node: GraphNode, inputs: readonly (RefTensor | undefined)[]) => RefTensor[];

export function size(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Row-major strides of `dims`. */
export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

export function dimsString(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}
