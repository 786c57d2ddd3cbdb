/**
 * Conv, 2-D (4-D X and W), with group, strides, pads, dilations; float64 accumulation.
 *
 * out[n, m, oh, ow] = B[m] + sum over (c in m's group, kh, kw) of
 *   W[m, c, kh, kw] * X[n, c, oh * sh - pt + kh * dh, ow * sw - pl + kw * dw]   (outside X: 0)
 *
 * Loop order: for each weight tap, add w * (the shifted input row) to the output row, over the
 * output columns whose input column lies inside X (so the inner loop has no bounds checks).
 * Output channels go four at a time when they can, so each input value loaded feeds four
 * multiply-adds (about twice as fast; the sums are the same).
 * Every index into out, X and W lies inside its array by the geometry checked in conv(), so the
 * kernels read and add with `a[i]!` (no per-element check in the inner loops).
 */
import { convOutputSize, type GraphNode, shapeString } from '@gc-edge/core';
import { input, intAttr, pairAttr, rankIs, refError, requireExplicitPads } from '../node-access';
import type { RefTensor } from '../tensor';

interface Geometry {
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly Cg: number;
  readonly KH: number;
  readonly KW: number;
  readonly OH: number;
  readonly OW: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly pt: number;
  readonly pl: number;
}

/** Output columns [start, end) whose input column ow * sw + colOff is inside [0, W). */
function columnRange(k: Geometry, colOff: number): [number, number] {
  return [Math.max(0, Math.ceil(-colOff / k.sw)), Math.min(k.OW, Math.floor((k.W - 1 - colOff) / k.sw) + 1)];
}

/** Accumulates output channel m (plane at outBase) of sample n from input channels [c0, c0 + Cg). */
function accumulate1(k: Geometry, out: Float64Array, outBase: number, x: Float64Array, inBase0: number, w: Float64Array, m: number): void {
  for (let cg = 0; cg < k.Cg; cg++) {
    const inBase = inBase0 + cg * k.H * k.W;
    for (let kh = 0; kh < k.KH; kh++) {
      for (let kw = 0; kw < k.KW; kw++) {
        const wv = w[((m * k.Cg + cg) * k.KH + kh) * k.KW + kw]!;
        const colOff = kw * k.dw - k.pl;
        const [owStart, owEnd] = columnRange(k, colOff);
        for (let oh = 0; oh < k.OH; oh++) {
          const ih = oh * k.sh - k.pt + kh * k.dh;
          if (ih < 0 || ih >= k.H) continue;
          const xRow = inBase + ih * k.W + colOff;
          const oRow = outBase + oh * k.OW;
          for (let ow = owStart; ow < owEnd; ow++) out[oRow + ow]! += wv * x[xRow + ow * k.sw]!;
        }
      }
    }
  }
}

/** accumulate1 for output channels m .. m+3 (planes at outBase + j * OH * OW) at once. */
function accumulate4(k: Geometry, out: Float64Array, outBase: number, x: Float64Array, inBase0: number, w: Float64Array, m: number): void {
  const plane = k.OH * k.OW;
  const tap = k.Cg * k.KH * k.KW; // distance between W[m] and W[m + 1]
  for (let cg = 0; cg < k.Cg; cg++) {
    const inBase = inBase0 + cg * k.H * k.W;
    for (let kh = 0; kh < k.KH; kh++) {
      for (let kw = 0; kw < k.KW; kw++) {
        const wi = ((m * k.Cg + cg) * k.KH + kh) * k.KW + kw;
        const w0 = w[wi]!;
        const w1 = w[wi + tap]!;
        const w2 = w[wi + 2 * tap]!;
        const w3 = w[wi + 3 * tap]!;
        const colOff = kw * k.dw - k.pl;
        const [owStart, owEnd] = columnRange(k, colOff);
        for (let oh = 0; oh < k.OH; oh++) {
          const ih = oh * k.sh - k.pt + kh * k.dh;
          if (ih < 0 || ih >= k.H) continue;
          const xRow = inBase + ih * k.W + colOff;
          const o0 = outBase + oh * k.OW;
          for (let ow = owStart; ow < owEnd; ow++) {
            const xv = x[xRow + ow * k.sw]!;
            out[o0 + ow]! += w0 * xv;
            out[o0 + plane + ow]! += w1 * xv;
            out[o0 + 2 * plane + ow]! += w2 * xv;
            out[o0 + 3 * plane + ow]! += w3 * xv;
          }
        }
      }
    }
  }
}

export function conv(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  const x = input(node, inputs, 0, 'X');
  const w = input(node, inputs, 1, 'W');
  const b = inputs[2];
  rankIs(node, x, 4, 'X');
  rankIs(node, w, 4, 'W');
  requireExplicitPads(node);
  const [N, C, H, W] = x.dims as [number, number, number, number];
  const [M, Cg, KH, KW] = w.dims as [number, number, number, number];
  const group = intAttr(node, 'group', 1);
  if (group < 1 || M % group !== 0 || Cg * group !== C) {
    throw refError(
      node,
      `X ${shapeString(x.dims)} and W ${shapeString(w.dims)} do not agree with group ${group} (need C = W[1] * group, W[0] divisible by group)`,
    );
  }
  const kernel = pairAttr(node, 'kernel_shape', [KH, KW], 2);
  if (kernel[0] !== KH || kernel[1] !== KW) {
    throw refError(node, `kernel_shape [${kernel.join(', ')}] does not match W ${shapeString(w.dims)}`);
  }
  if (b && (b.dims.length !== 1 || b.dims[0] !== M)) throw refError(node, `B ${shapeString(b.dims)} must be [${M}]`);
  const [sh, sw] = pairAttr(node, 'strides', [1, 1], 2) as [number, number];
  const [dh, dw] = pairAttr(node, 'dilations', [1, 1], 2) as [number, number];
  const [pt, pl, pb, pr] = pairAttr(node, 'pads', [0, 0, 0, 0], 4) as [number, number, number, number];
  const OH = convOutputSize(H, { kernel: KH, stride: sh, dilation: dh, padBegin: pt, padEnd: pb });
  const OW = convOutputSize(W, { kernel: KW, stride: sw, dilation: dw, padBegin: pl, padEnd: pr });
  if (OH < 1 || OW < 1) throw refError(node, `X ${shapeString(x.dims)} is smaller than the (dilated, padded) kernel`);
  const k: Geometry = { C, H, W, Cg, KH, KW, OH, OW, sh, sw, dh, dw, pt, pl };

  const out = new Float64Array(N * M * OH * OW);
  const plane = OH * OW;
  const Mg = M / group;
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < group; g++) {
      const inBase = (n * C + g * Cg) * H * W;
      for (let mg = 0; mg < Mg; ) {
        const m = g * Mg + mg;
        const outBase = (n * M + m) * plane;
        if (mg + 4 <= Mg) {
          accumulate4(k, out, outBase, x.data, inBase, w.data, m);
          mg += 4;
        } else {
          accumulate1(k, out, outBase, x.data, inBase, w.data, m);
          mg += 1;
        }
      }
    }
    if (b) for (let m = 0; m < M; m++) for (let i = 0; i < plane; i++) out[(n * M + m) * plane + i]! += b.data[m]!;
  }
  return [{ dims: [N, M, OH, OW], data: out }];
}
