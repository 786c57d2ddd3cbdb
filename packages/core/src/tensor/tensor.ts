/** A dense float32 tensor in C (row-major) order. Weights of every dtype are widened to float32. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A PyTorch state_dict: parameter name -> tensor, in file order. */
export type StateDict = Map<string, Tensor>;

/** Element count of `shape` (1 for a scalar []). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides of `shape`, in elements. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
