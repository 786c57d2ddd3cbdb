/**
 * Reading layers out of a supernet state_dict the way upstream export.py's `transfer_weight` does:
 * check the key and its full supernet shape, then keep the first k entries along each axis.
 */
import { GcError, numel, shapeString, type StateDict, strides, type Tensor } from '@gc-edge/core';

/** The leading block [0, sizes[0]) x [0, sizes[1]) x ... of `t` (a copy, C order). */
function sliceLeading(t: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length !== t.shape.length || sizes.some((s, i) => s < 0 || s > t.shape[i]!)) {
    throw new GcError('E_INTERNAL', `cannot slice ${shapeString(t.shape)} to ${shapeString(sizes)}`);
  }
  if (sizes.every((s, i) => s === t.shape[i])) return { shape: [...sizes], data: t.data.slice() };
  const out = new Float32Array(numel(sizes));
  const rank = sizes.length;
  const inner = sizes[rank - 1]!;
  const srcStrides = strides(t.shape);
  let o = 0;
  const walk = (axis: number, base: number): void => {
    if (axis === rank - 1) {
      out.set(t.data.subarray(base, base + inner), o);
      o += inner;
      return;
    }
    for (let i = 0; i < sizes[axis]!; i++) walk(axis + 1, base + i * srcStrides[axis]!);
  };
  if (rank === 0) out[0] = t.data[0]!;
  else walk(0, 0);
  return { shape: [...sizes], data: out };
}

/**
 * A state_dict with its expected shapes (a supernet's, or a sub-network checkpoint's, whose layers
 * `take` then returns whole); `take` checks and slices one tensor.
 */
export class SupernetWeights {
  constructor(
    private readonly weights: StateDict,
    private readonly shapes: ReadonlyMap<string, readonly number[]>,
    /** e.g. "mobile_resnet_9blocks supernet (ngf 16)" */
    private readonly what: string,
  ) {}

  /** The tensor at `key`, sliced to its first `sizes` entries per axis (the full tensor when omitted). */
  take(key: string, sizes?: readonly number[]): Tensor {
    const expected = this.shapes.get(key);
    if (!expected) throw new GcError('E_INTERNAL', `${key} is not a key of the ${this.what}`);
    const t = this.weights.get(key);
    if (!t) {
      throw new GcError('E_WEIGHTS_KEYS', `${key}: missing from the weights of the ${this.what}`, {
        hint: 'check "architecture" and "ngf" in subnet.json against the checkpoint',
      });
    }
    if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      throw new GcError(
        'E_WEIGHTS_SHAPE',
        `${key}: the weights have ${shapeString(t.shape)}, the ${this.what} expects ${shapeString(expected)}`,
        {
          hint: 'check "ngf" and the input/output channels in subnet.json',
        },
      );
    }
    return sliceLeading(t, sizes ?? expected);
  }
}
