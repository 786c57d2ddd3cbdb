/**
 * The reference ops against textbook definitions (naive.ts) on random small problems (fast-check,
 * fixed seed). The blocked loops in Conv / ConvTranspose (four output channels at once, a tail of
 * one) are what these guard.
 */
import fc from 'fast-check';
import { attr, type AttributeValue, type GraphNode } from '@gc-edge/core';
import { REFERENCE_OPS, type RefTensor } from '@gc-edge/exporter';
import { naiveConv, naiveConvTranspose, naiveNearest, paddedIndices, seededValues } from './naive';

/** Both sides are float64; they differ only by summation order. */
const SUMMATION_ORDER_SLACK = 1e-12;
const RUNS = { seed: 20240611, numRuns: 60 };

function node(opType: string, attributes: Record<string, AttributeValue> = {}): GraphNode {
  return { opType, name: `prop.${opType}`, inputs: [], outputs: [], attributes };
}

function run(n: GraphNode, inputs: (RefTensor | undefined)[]): RefTensor {
  return REFERENCE_OPS[n.opType]!(n, inputs)[0]!;
}

function maxAbs(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const geometry = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  group: fc.integer({ min: 1, max: 3 }),
  cPerGroup: fc.integer({ min: 1, max: 3 }),
  mPerGroup: fc.integer({ min: 1, max: 6 }),
  h: fc.integer({ min: 1, max: 7 }),
  w: fc.integer({ min: 1, max: 7 }),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  dilations: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  pads: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
  bias: fc.boolean(),
  seed: fc.integer(),
});

describe('reference Conv', () => {
  it('equals the textbook sum for any group, stride, dilation and asymmetric pads', () => {
    fc.assert(
      fc.property(geometry, (p) => {
        const [pt, pl, pb, pr] = p.pads;
        fc.pre(p.h + pt + pb >= p.dilations[0] * (p.kh - 1) + 1 && p.w + pl + pr >= p.dilations[1] * (p.kw - 1) + 1);
        const C = p.group * p.cPerGroup;
        const M = p.group * p.mPerGroup;
        const x = { dims: [p.n, C, p.h, p.w], data: seededValues(p.seed, p.n * C * p.h * p.w) };
        const w = { dims: [M, p.cPerGroup, p.kh, p.kw], data: seededValues(p.seed + 1, M * p.cPerGroup * p.kh * p.kw) };
        const b = p.bias ? { dims: [M], data: seededValues(p.seed + 2, M) } : undefined;
        const k = { group: p.group, strides: p.strides, dilations: p.dilations, pads: p.pads };
        const got = run(
          node('Conv', {
            group: attr.int(p.group),
            strides: attr.ints(p.strides),
            dilations: attr.ints(p.dilations),
            pads: attr.ints(p.pads),
          }),
          [x, w, b],
        );
        const want = naiveConv(x, w, b?.data, k);
        expect(got.dims).toEqual(want.dims);
        expect(maxAbs(got.data, want.data)).toBeLessThanOrEqual(SUMMATION_ORDER_SLACK);
      }),
      RUNS,
    );
  });
});

describe('reference ConvTranspose', () => {
  it('equals the gathered definition for any group, stride, dilation, pads and output_padding', () => {
    fc.assert(
      fc.property(geometry, fc.tuple(fc.nat(2), fc.nat(2)), (p, op) => {
        const outputPadding: [number, number] = [
          Math.min(op[0], Math.max(p.strides[0], p.dilations[0]) - 1),
          Math.min(op[1], Math.max(p.strides[1], p.dilations[1]) - 1),
        ];
        const [pt, pl, pb, pr] = p.pads;
        const oh = (p.h - 1) * p.strides[0] - pt - pb + p.dilations[0] * (p.kh - 1) + outputPadding[0] + 1;
        const ow = (p.w - 1) * p.strides[1] - pl - pr + p.dilations[1] * (p.kw - 1) + outputPadding[1] + 1;
        fc.pre(oh >= 1 && ow >= 1);
        const C = p.group * p.cPerGroup;
        const M = p.group * p.mPerGroup;
        const x = { dims: [p.n, C, p.h, p.w], data: seededValues(p.seed, p.n * C * p.h * p.w) };
        const w = { dims: [C, p.mPerGroup, p.kh, p.kw], data: seededValues(p.seed + 1, C * p.mPerGroup * p.kh * p.kw) };
        const b = p.bias ? { dims: [M], data: seededValues(p.seed + 2, M) } : undefined;
        const got = run(
          node('ConvTranspose', {
            group: attr.int(p.group),
            strides: attr.ints(p.strides),
            dilations: attr.ints(p.dilations),
            pads: attr.ints(p.pads),
            output_padding: attr.ints(outputPadding),
          }),
          [x, w, b],
        );
        const want = naiveConvTranspose(x, w, b?.data, {
          group: p.group,
          strides: p.strides,
          dilations: p.dilations,
          pads: p.pads,
          outputPadding,
        });
        expect(got.dims).toEqual(want.dims);
        expect(maxAbs(got.data, want.data)).toBeLessThanOrEqual(SUMMATION_ORDER_SLACK);
      }),
      RUNS,
    );
  });
});

describe('reference Pad', () => {
  it('reflects, repeats or fills each border exactly like the spelled-out index sequence', () => {
    const modes = fc.constantFrom('reflect' as const, 'edge' as const, 'constant' as const);
    fc.assert(
      fc.property(
        modes,
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 2, max: 6 }),
        fc.tuple(fc.nat(5), fc.nat(5), fc.nat(5), fc.nat(5)),
        fc.integer(),
        (mode, h, w, [t, l, b, r], seed) => {
          if (mode === 'reflect') fc.pre(Math.max(t, b) < h && Math.max(l, r) < w);
          const x = { dims: [1, 2, h, w], data: seededValues(seed, 2 * h * w) };
          const pads = { dims: [8], data: Float64Array.from([0, 0, t, l, 0, 0, b, r]) };
          const value = { dims: [], data: Float64Array.of(0.25) };
          const got = run(node('Pad', { mode: attr.string(mode) }), [x, pads, value]);
          const rows = paddedIndices(mode, h, t, b);
          const cols = paddedIndices(mode, w, l, r);
          const want: number[] = [];
          for (let c = 0; c < 2; c++) {
            for (const i of rows) for (const j of cols) want.push(i < 0 || j < 0 ? 0.25 : x.data[(c * h + i) * w + j]!);
          }
          expect(got.dims).toEqual([1, 2, h + t + b, w + l + r]);
          expect(Array.from(got.data)).toEqual(want);
        },
      ),
      RUNS,
    );
  });
});

describe('reference Resize (nearest, asymmetric, floor)', () => {
  it('picks the same source pixels as PyTorch nearest interpolation for integer up- and down-scaling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.integer(),
        (h, w, f, up, seed) => {
          const [inH, inW, outH, outW] = up ? [h, w, h * f, w * f] : [h * f, w * f, h, w];
          const x = { dims: [1, 2, inH, inW], data: seededValues(seed, 2 * inH * inW) };
          const n = node('Resize', {
            mode: attr.string('nearest'),
            coordinate_transformation_mode: attr.string('asymmetric'),
            nearest_mode: attr.string('floor'),
          });
          const bySizes = run(n, [x, undefined, undefined, { dims: [4], data: Float64Array.from([1, 2, outH, outW]) }]);
          const byScales = run(n, [x, undefined, { dims: [4], data: Float64Array.from([1, 1, outH / inH, outW / inW]) }]);
          const want = naiveNearest(x, outH, outW);
          expect(bySizes).toEqual(want);
          expect(byScales).toEqual(want);
        },
      ),
      RUNS,
    );
  });
});

describe('reference Add / Mul broadcasting', () => {
  it('broadcasts size-1 and missing leading axes like numpy', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.nat(3),
        fc.integer(),
        (dims, ones, drop, seed) => {
          const bDims = dims.map((d, i) => (ones[i] ? 1 : d)).slice(Math.min(drop, dims.length - 1));
          const size = (ds: number[]) => ds.reduce((s, d) => s * d, 1);
          const a = { dims, data: seededValues(seed, size(dims)) };
          const b = { dims: bDims, data: seededValues(seed + 1, size(bDims)) };
          const offset = dims.length - bDims.length;
          const want = new Float64Array(size(dims));
          const idx = new Array<number>(dims.length).fill(0);
          for (let o = 0; o < want.length; o++) {
            let bi = 0;
            for (let k = 0; k < bDims.length; k++) bi = bi * bDims[k]! + (bDims[k] === 1 ? 0 : idx[k + offset]!);
            want[o] = a.data[o]! * b.data[bi]!;
            for (let k = dims.length - 1; k >= 0 && ++idx[k]! === dims[k]; k--) idx[k] = 0;
          }
          expect(run(node('Mul'), [a, b])).toEqual({ dims, data: want });
          expect(run(node('Mul'), [b, a]).data).toEqual(want);
        },
      ),
      RUNS,
    );
  });
});
