/** Textbook definitions (one output element at a time) the reference ops are checked against. */

export interface Nd {
  readonly dims: readonly number[];
  readonly data: Float64Array;
}

export interface ConvCase {
  readonly group: number;
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
}

/** y[n,m,oh,ow] = b[m] + sum_{c in group(m), kh, kw} w[m,c,kh,kw] * x[n, c, oh*s - p + kh*d, ...] (0 outside). */
export function naiveConv(x: Nd, w: Nd, b: Float64Array | undefined, k: ConvCase): Nd {
  const [N, C, H, W] = x.dims as [number, number, number, number];
  const [M, Cg, KH, KW] = w.dims as [number, number, number, number];
  const [sh, sw] = k.strides;
  const [dh, dw] = k.dilations;
  const [pt, pl, pb, pr] = k.pads;
  const OH = Math.floor((H + pt + pb - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + pl + pr - dw * (KW - 1) - 1) / sw) + 1;
  const Mg = M / k.group;
  const out = new Float64Array(N * M * OH * OW);
  let o = 0;
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let s = b ? b[m]! : 0;
          const g = Math.floor(m / Mg);
          for (let cg = 0; cg < Cg; cg++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const ih = oh * sh - pt + kh * dh;
                const iw = ow * sw - pl + kw * dw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                s += w.data[((m * Cg + cg) * KH + kh) * KW + kw]! * x.data[((n * C + g * Cg + cg) * H + ih) * W + iw]!;
              }
          out[o++] = s;
        }
  return { dims: [N, M, OH, OW], data: out };
}

/**
 * Transposed convolution as the gradient of convolution, gathered per output element:
 * y[n,m,oh,ow] = b[m] + sum over (c, kh, kw) with oh + p - kh*d = ih*s (ih inside) of w[c, m', kh, kw] * x[n,c,ih,iw].
 */
export function naiveConvTranspose(
  x: Nd,
  w: Nd,
  b: Float64Array | undefined,
  k: ConvCase & { outputPadding: readonly [number, number] },
): Nd {
  const [N, C, H, W] = x.dims as [number, number, number, number];
  const [, Mg, KH, KW] = w.dims as [number, number, number, number];
  const M = Mg * k.group;
  const Cg = C / k.group;
  const [sh, sw] = k.strides;
  const [dh, dw] = k.dilations;
  const [pt, pl, pb, pr] = k.pads;
  const OH = (H - 1) * sh - pt - pb + dh * (KH - 1) + k.outputPadding[0] + 1;
  const OW = (W - 1) * sw - pl - pr + dw * (KW - 1) + k.outputPadding[1] + 1;
  const out = new Float64Array(N * M * OH * OW);
  let o = 0;
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let s = b ? b[m]! : 0;
          const g = Math.floor(m / Mg);
          for (let cg = 0; cg < Cg; cg++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const th = oh + pt - kh * dh;
                const tw = ow + pl - kw * dw;
                if (th < 0 || tw < 0 || th % sh !== 0 || tw % sw !== 0) continue;
                const ih = th / sh;
                const iw = tw / sw;
                if (ih >= H || iw >= W) continue;
                const c = g * Cg + cg;
                s += w.data[((c * Mg + (m - g * Mg)) * KH + kh) * KW + kw]! * x.data[((n * C + c) * H + ih) * W + iw]!;
              }
          out[o++] = s;
        }
  return { dims: [N, M, OH, OW], data: out };
}

/** The index sequence of a padded axis, spelled out: mirrored / repeated / missing (-1) borders around 0..n-1. */
export function paddedIndices(mode: 'reflect' | 'edge' | 'constant', n: number, before: number, after: number): number[] {
  const inner = Array.from({ length: n }, (_, i) => i);
  const left = Array.from({ length: before }, (_, k) => (mode === 'reflect' ? before - k : mode === 'edge' ? 0 : -1));
  const right = Array.from({ length: after }, (_, k) => (mode === 'reflect' ? n - 2 - k : mode === 'edge' ? n - 1 : -1));
  return [...left, ...inner, ...right];
}

/** PyTorch F.interpolate(mode='nearest') on an NCHW tensor: src = min(floor(dst * in / out), in - 1). */
export function naiveNearest(x: Nd, outH: number, outW: number): Nd {
  const [N, C, H, W] = x.dims as [number, number, number, number];
  const out = new Float64Array(N * C * outH * outW);
  let o = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let y = 0; y < outH; y++)
        for (let z = 0; z < outW; z++) {
          const sy = Math.min(Math.floor((y * H) / outH), H - 1);
          const sz = Math.min(Math.floor((z * W) / outW), W - 1);
          out[o++] = x.data[((n * C + c) * H + sy) * W + sz]!;
        }
  return { dims: [N, C, outH, outW], data: out };
}

/** Deterministic pseudo-random values in [-1, 1) from a seed (mulberry32). */
export function seededValues(seed: number, n: number): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}
