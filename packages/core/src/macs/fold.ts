/** N-d index helpers for folding small constant tensors (shape arithmetic in torch exports). */
import { numel, strides } from '../tensor/tensor';

/** Calls f(flatIndexInOutput, multiIndex) for every element of `shape`, in C order. */
function forEachIndex(shape: readonly number[], f: (k: number, idx: readonly number[]) => void): void {
  const n = numel(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    f(k, idx);
    for (let i = shape.length - 1; i >= 0; i--) {
      idx[i]!++;
      if (idx[i]! < shape[i]!) break;
      idx[i] = 0;
    }
  }
}

export function transposeData(data: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): number[] {
  const st = strides(shape);
  const outShape = perm.map((p) => shape[p]!);
  const out = new Array<number>(numel(outShape));
  forEachIndex(outShape, (k, idx) => {
    let off = 0;
    idx.forEach((v, i) => (off += v * st[perm[i]!]!));
    out[k] = data[off]!;
  });
  return out;
}

/** Elements at `starts[i] + j * steps[i]` along every axis; `outShape` already computed. */
export function sliceData(
  data: ArrayLike<number>,
  shape: readonly number[],
  starts: readonly number[],
  steps: readonly number[],
  outShape: readonly number[],
): number[] {
  const st = strides(shape);
  const out = new Array<number>(numel(outShape));
  forEachIndex(outShape, (k, idx) => {
    let off = 0;
    idx.forEach((v, i) => (off += (starts[i]! + v * steps[i]!) * st[i]!));
    out[k] = data[off]!;
  });
  return out;
}

export function gatherData(
  data: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  indices: readonly number[],
): number[] {
  const outer = numel(shape.slice(0, axis));
  const inner = numel(shape.slice(axis + 1));
  const dim = shape[axis]!;
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const raw of indices) {
      const i = raw < 0 ? raw + dim : raw;
      for (let j = 0; j < inner; j++) out.push(data[(o * dim + i) * inner + j]!);
    }
  }
  return out;
}

export function concatData(parts: readonly { data: ArrayLike<number>; shape: readonly number[] }[], axis: number): number[] {
  const outer = numel(parts[0]!.shape.slice(0, axis));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const chunk = numel(p.shape.slice(axis));
      for (let j = 0; j < chunk; j++) out.push(p.data[o * chunk + j]!);
    }
  }
  return out;
}
