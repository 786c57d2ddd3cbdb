/**
 * Index-map gather shared by Pad and Resize: output index o on axis a reads input index maps[a][o],
 * or `fill` where the map says -1 (constant padding).
 */
import { numel, strides } from '@gc-edge/core';
import type { RefTensor } from '../tensor';

export function gatherAxes(x: RefTensor, outDims: readonly number[], maps: readonly Int32Array[], fill: number): RefTensor {
  const out = new Float64Array(numel(outDims));
  const rank = outDims.length;
  if (rank === 0) {
    out[0] = x.data[0]!;
    return { dims: [], data: out };
  }
  const inStrides = strides(x.dims);
  const outStrides = strides(outDims);
  const xd = x.data;
  const walk = (axis: number, inBase: number, outBase: number, inside: boolean): void => {
    const map = maps[axis]!;
    const n = outDims[axis]!;
    if (axis === rank - 1) {
      for (let o = 0; o < n; o++) {
        const s = map[o]!;
        out[outBase + o] = inside && s >= 0 ? xd[inBase + s]! : fill;
      }
      return;
    }
    const is = inStrides[axis]!;
    const os = outStrides[axis]!;
    for (let o = 0; o < n; o++) {
      const s = map[o]!;
      walk(axis + 1, inBase + (s >= 0 ? s * is : 0), outBase + o * os, inside && s >= 0);
    }
  };
  walk(0, 0, 0, true);
  return { dims: [...outDims], data: out };
}
