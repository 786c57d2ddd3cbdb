/**
 * ConvTranspose, 2-D, with group, strides, pads, output_padding, dilations:
 *   out[n, m, ih * sh - pt + kh * dh, iw * sw - pl + kw * dw] += W[c, m - group offset, kh, kw] * X[n, c, ih, iw]
 * for every input pixel and tap that lands inside the output, then + B[m]. The explicit
 * `output_shape` attribute is not implemented (gc-export never writes it).
 * Every index into out, X and W lies inside its array by the geometry checked above the loops,
 * so they read and add with `a[i]!` (no per-element check in the inner loops).
 */
import { convTransposeOutputSize, type GraphNode, shapeString } from '@gc-edge/core';
import { input, intAttr, pairAttr, rankIs, refError, requireExplicitPads } from '../node-access';
import type { RefTensor } from '../tensor';

export function convTranspose(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  const x = input(node, inputs, 0, 'X');
  const w = input(node, inputs, 1, 'W');
  const b = inputs[2];
  rankIs(node, x, 4, 'X');
  rankIs(node, w, 4, 'W');
  requireExplicitPads(node);
  if (node.attributes['output_shape']) throw refError(node, 'the output_shape attribute is not implemented (use pads + output_padding)');
  const [N, C, H, W] = x.dims as [number, number, number, number];
  const [Cw, Mg, KH, KW] = w.dims as [number, number, number, number];
  const group = intAttr(node, 'group', 1);
  if (group < 1 || Cw !== C || C % group !== 0) {
    throw refError(
      node,
      `X ${shapeString(x.dims)} and W ${shapeString(w.dims)} do not agree with group ${group} (need W[0] = C, divisible by group)`,
    );
  }
  const M = Mg * group;
  const Cg = C / group;
  const kernel = pairAttr(node, 'kernel_shape', [KH, KW], 2);
  if (kernel[0] !== KH || kernel[1] !== KW) {
    throw refError(node, `kernel_shape [${kernel.join(', ')}] does not match W ${shapeString(w.dims)}`);
  }
  if (b && (b.dims.length !== 1 || b.dims[0] !== M)) throw refError(node, `B ${shapeString(b.dims)} must be [${M}]`);
  const [sh, sw] = pairAttr(node, 'strides', [1, 1], 2) as [number, number];
  const [dh, dw] = pairAttr(node, 'dilations', [1, 1], 2) as [number, number];
  const [pt, pl, pb, pr] = pairAttr(node, 'pads', [0, 0, 0, 0], 4) as [number, number, number, number];
  const [oph, opw] = pairAttr(node, 'output_padding', [0, 0], 2) as [number, number];
  const OH = convTransposeOutputSize(H, { kernel: KH, stride: sh, dilation: dh, padBegin: pt, padEnd: pb }, oph);
  const OW = convTransposeOutputSize(W, { kernel: KW, stride: sw, dilation: dw, padBegin: pl, padEnd: pr }, opw);
  if (OH < 1 || OW < 1) throw refError(node, `output would be ${OH}x${OW}: pads too large for X ${shapeString(x.dims)}`);

  const out = new Float64Array(N * M * OH * OW);
  const plane = OH * OW;
  const xd = x.data;
  const wd = w.data;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const g = Math.floor(c / Cg);
      const inBase = (n * C + c) * H * W;
      // Output channels four at a time where possible: each input value feeds four multiply-adds.
      for (let mg = 0; mg < Mg; ) {
        const count = mg + 4 <= Mg ? 4 : 1;
        const outBase = (n * M + g * Mg + mg) * plane;
        for (let kh = 0; kh < KH; kh++) {
          for (let kw = 0; kw < KW; kw++) {
            const wi = ((c * Mg + mg) * KH + kh) * KW + kw;
            const tap = KH * KW; // distance between W[c, mg] and W[c, mg + 1]
            const w0 = wd[wi]!;
            const w1 = count === 4 ? wd[wi + tap]! : 0;
            const w2 = count === 4 ? wd[wi + 2 * tap]! : 0;
            const w3 = count === 4 ? wd[wi + 3 * tap]! : 0;
            const colOff = kw * dw - pl; // output column = iw * sw + colOff
            const iwStart = Math.max(0, Math.ceil(-colOff / sw));
            const iwEnd = Math.min(W, Math.floor((OW - 1 - colOff) / sw) + 1);
            for (let ih = 0; ih < H; ih++) {
              const oh = ih * sh - pt + kh * dh;
              if (oh < 0 || oh >= OH) continue;
              const o0 = outBase + oh * OW + colOff;
              const xRow = inBase + ih * W;
              if (count === 4) {
                for (let iw = iwStart; iw < iwEnd; iw++) {
                  const xv = xd[xRow + iw]!;
                  const o = o0 + iw * sw;
                  out[o]! += w0 * xv;
                  out[o + plane]! += w1 * xv;
                  out[o + 2 * plane]! += w2 * xv;
                  out[o + 3 * plane]! += w3 * xv;
                }
              } else {
                for (let iw = iwStart; iw < iwEnd; iw++) out[o0 + iw * sw]! += w0 * xd[xRow + iw]!;
              }
            }
          }
        }
        mg += count;
      }
    }
  }
  if (b) {
    for (let n = 0; n < N; n++) {
      for (let m = 0; m < M; m++) {
        const base = (n * M + m) * OH * OW;
        for (let i = 0; i < OH * OW; i++) out[base + i]! += b.data[m]!;
      }
    }
  }
  return [{ dims: [N, M, OH, OW], data: out }];
}
