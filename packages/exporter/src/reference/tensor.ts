/** Values of the float64 reference interpreter: dims + float64 data in C order (int64 constants widened). */
import type { GraphNode } from '@gc-edge/core';

export interface RefTensor {
  readonly dims: readonly number[];
  readonly data: Float64Array;
}

/** One op's forward: the node (attributes, name for errors) and its inputs ('' inputs are undefined). */
export type RefOp = (node: GraphNode, inputs: readonly (RefTensor | undefined)[]) => RefTensor[];
