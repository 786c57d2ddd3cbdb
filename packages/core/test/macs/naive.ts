/**
 * Naive references for the MAC rules: count by walking every output (or input) element and every
 * kernel tap one at a time, and derive output sizes by sliding / scattering the window — no closed
 * formulas, so they check the counter's formulas independently.
 */

/** Positions a window of extent `dk` takes with stride `s` over a padded length. */
export function slidePositions(len: number, padBegin: number, padEnd: number, dk: number, s: number): number {
  let n = 0;
  for (let start = 0; start + dk <= len + padBegin + padEnd; start += s) n++;
  return n;
}

/** Output length of a transposed conv by scattering every input position's taps. */
export function scatterLength(
  len: number,
  k: number,
  s: number,
  d: number,
  padBegin: number,
  padEnd: number,
  outputPadding: number,
): number {
  let last = -1;
  for (let i = 0; i < len; i++) for (let t = 0; t < k; t++) last = Math.max(last, i * s + t * d);
  return last + 1 + outputPadding - padBegin - padEnd;
}

export interface ConvCase {
  n: number;
  cin: number;
  cout: number;
  group: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  stride: number;
  dilation: number;
  pad: [number, number, number, number];
  bias: boolean;
}

/** MACs and output shape of Conv, tap by tap. */
export function naiveConv(c: ConvCase): { shape: number[]; paper: number; exact: number } {
  const oh = slidePositions(c.h, c.pad[0], c.pad[2], (c.kh - 1) * c.dilation + 1, c.stride);
  const ow = slidePositions(c.w, c.pad[1], c.pad[3], (c.kw - 1) * c.dilation + 1, c.stride);
  let taps = 0;
  let outputs = 0;
  for (let b = 0; b < c.n; b++)
    for (let m = 0; m < c.cout; m++)
      for (let y = 0; y < oh; y++)
        for (let x = 0; x < ow; x++) {
          outputs++;
          for (let ci = 0; ci < c.cin / c.group; ci++) for (let i = 0; i < c.kh; i++) for (let j = 0; j < c.kw; j++) taps++;
        }
  return { shape: [c.n, c.cout, oh, ow], paper: taps, exact: taps + (c.bias ? outputs : 0) };
}

export interface ConvTransposeCase extends ConvCase {
  outputPadding: number;
}

/** ConvTranspose: paper counts per output element x in channels x taps; exact scatters inputs. */
export function naiveConvTranspose(c: ConvTransposeCase): { shape: number[]; paper: number; exact: number } {
  const oh = scatterLength(c.h, c.kh, c.stride, c.dilation, c.pad[0], c.pad[2], c.outputPadding);
  const ow = scatterLength(c.w, c.kw, c.stride, c.dilation, c.pad[1], c.pad[3], c.outputPadding);
  let paper = 0;
  let outputs = 0;
  for (let b = 0; b < c.n; b++)
    for (let m = 0; m < c.cout; m++)
      for (let y = 0; y < oh; y++)
        for (let x = 0; x < ow; x++) {
          outputs++;
          for (let ci = 0; ci < c.cin; ci++) for (let i = 0; i < c.kh; i++) for (let j = 0; j < c.kw; j++) paper++;
        }
  let scatter = 0;
  for (let b = 0; b < c.n; b++)
    for (let ci = 0; ci < c.cin; ci++)
      for (let y = 0; y < c.h; y++)
        for (let x = 0; x < c.w; x++)
          for (let m = 0; m < c.cout / c.group; m++) for (let i = 0; i < c.kh; i++) for (let j = 0; j < c.kw; j++) scatter++;
  return { shape: [c.n, c.cout, oh, ow], paper, exact: scatter + (c.bias ? outputs : 0) };
}

/** Numpy broadcasting by trying every output index against each operand. */
export function naiveBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const pa = [...new Array<number>(rank - a.length).fill(1), ...a];
  const pb = [...new Array<number>(rank - b.length).fill(1), ...b];
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (pa[i] === pb[i] || pb[i] === 1) out.push(pa[i]!);
    else if (pa[i] === 1) out.push(pb[i]!);
    else return null;
  }
  return out;
}

/** Counts elements of a shape one by one. */
export function countElements(shape: readonly number[]): number {
  let n = 0;
  const idx = new Array<number>(shape.length).fill(0);
  if (shape.some((d) => d === 0)) return 0;
  for (;;) {
    n++;
    let i = shape.length - 1;
    for (; i >= 0; i--) {
      idx[i]!++;
      if (idx[i]! < shape[i]!) break;
      idx[i] = 0;
    }
    if (i < 0) return n;
  }
}
