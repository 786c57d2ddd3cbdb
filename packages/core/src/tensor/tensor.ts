/** A dense float32 tensor in C (row-major) order. Weights of every dtype are widened to float32. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A PyTorch state_dict: parameter name -> tensor, in file order. */
export type StateDict = Map<string, Tensor>;

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
