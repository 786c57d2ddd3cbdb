import fc from 'fast-check';
import { attr, countMacs, GraphBuilder } from '../../src';
import { fill, model, oneOp } from './build';
import { countElements, naiveBroadcast, naiveConv, naiveConvTranspose, type ConvCase } from './naive';

const RUNS = { numRuns: 60 };

const convCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    group: fc.integer({ min: 1, max: 3 }),
    cinPerGroup: fc.integer({ min: 1, max: 3 }),
    coutPerGroup: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    stride: fc.integer({ min: 1, max: 3 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    pad: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
    bias: fc.boolean(),
  })
  .map(
    (r): ConvCase => ({
      n: r.n,
      cin: r.cinPerGroup * r.group,
      cout: r.coutPerGroup * r.group,
      group: r.group,
      h: r.h,
      w: r.w,
      kh: r.kh,
      kw: r.kw,
      stride: r.stride,
      dilation: r.dilation,
      pad: r.pad,
      bias: r.bias,
    }),
  );

describe('Conv rule', () => {
  it('matches a tap-by-tap count: paper = outputs x (in / group) x kernel, exact adds the bias', () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const fits = (len: number, pb: number, pe: number, k: number) => len + pb + pe >= (k - 1) * c.dilation + 1;
        fc.pre(fits(c.h, c.pad[0], c.pad[2], c.kh) && fits(c.w, c.pad[1], c.pad[3], c.kw));
        const m = oneOp('Conv', [c.n, c.cin, c.h, c.w], [[c.cout, c.cin / c.group, c.kh, c.kw], c.bias ? [c.cout] : null], {
          group: attr.int(c.group),
          strides: attr.ints([c.stride, c.stride]),
          dilations: attr.ints([c.dilation, c.dilation]),
          pads: attr.ints(c.pad),
        });
        const ref = naiveConv(c);
        const paper = countMacs(m, { convention: 'paper' });
        const exact = countMacs(m, { convention: 'exact' });
        expect(paper.layers[0]!.outputShape).toEqual(ref.shape);
        expect(paper.macs).toBe(ref.paper);
        expect(exact.macs).toBe(ref.exact);
        expect(paper.params).toBe(c.cout * (c.cin / c.group) * c.kh * c.kw + (c.bias ? c.cout : 0));
      }),
      RUNS,
    );
  });

  it('counts a depthwise conv (group = channels) with one input channel per output', () => {
    const m = oneOp('Conv', [1, 8, 16, 16], [[8, 1, 3, 3]], { group: attr.int(8), pads: attr.ints([1, 1, 1, 1]) });
    expect(countMacs(m).macs).toBe(8 * 16 * 16 * 9);
  });
});

describe('ConvTranspose rule', () => {
  it('paper counts OUTPUT elements x input channels x kernel; exact scatters every input element', () => {
    fc.assert(
      fc.property(convCase, fc.nat(2), (c, op) => {
        const outputPadding = Math.min(op, Math.max(c.stride, c.dilation) - 1);
        const m = oneOp('ConvTranspose', [c.n, c.cin, c.h, c.w], [[c.cin, c.cout / c.group, c.kh, c.kw], c.bias ? [c.cout] : null], {
          group: attr.int(c.group),
          strides: attr.ints([c.stride, c.stride]),
          dilations: attr.ints([c.dilation, c.dilation]),
          pads: attr.ints(c.pad),
          output_padding: attr.ints([outputPadding, outputPadding]),
        });
        const ref = naiveConvTranspose({ ...c, outputPadding });
        fc.pre(ref.shape[2]! > 0 && ref.shape[3]! > 0);
        const paper = countMacs(m, { convention: 'paper' });
        expect(paper.layers[0]!.outputShape).toEqual(ref.shape);
        expect(paper.macs).toBe(ref.paper);
        expect(countMacs(m, { convention: 'exact' }).macs).toBe(ref.exact);
      }),
      RUNS,
    );
  });

  it("reproduces the generators' upsampling layer (stride 2, pad 1, output_padding 1) doubling the size", () => {
    const m = oneOp('ConvTranspose', [1, 32, 64, 64], [[32, 16, 3, 3], [16]], {
      strides: attr.ints([2, 2]),
      pads: attr.ints([1, 1, 1, 1]),
      output_padding: attr.ints([1, 1]),
    });
    const c = countMacs(m);
    expect(c.layers[0]!.outputShape).toEqual([1, 16, 128, 128]);
    expect(c.macs).toBe(16 * 128 * 128 * 32 * 9);
  });
});

const smallShape = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 });

describe('normalisation rules', () => {
  it('InstanceNorm: paper 1 and exact 3 per output element; non-affine ones/zeros are not parameters', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        (n, c, hw, affine) => {
          const g = new GraphBuilder('t');
          const x = g.input({ name: 'x', elemType: 'float32', shape: [n, c, hw, hw] });
          const scale = g.float('scale', [c], fill(c, affine ? 0.7 : 1));
          const bias = g.float('bias', [c], fill(c, affine ? 0.1 : 0));
          const m = model(g, g.node('InstanceNormalization', 'in', [x, scale, bias]));
          const elements = countElements([n, c, hw, hw]);
          expect(countMacs(m, { convention: 'paper' }).macs).toBe(elements);
          expect(countMacs(m, { convention: 'exact' }).macs).toBe(3 * elements);
          expect(countMacs(m).params).toBe(affine ? 2 * c : 0);
        },
      ),
      RUNS,
    );
  });

  it('BatchNorm: 0 MACs in the paper, 1 per element exact; running statistics are never parameters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 7 }), (n, c, hw) => {
        const m = oneOp('BatchNormalization', [n, c, hw, hw], [[c], [c], [c], [c]]);
        expect(countMacs(m, { convention: 'paper' }).macs).toBe(0);
        expect(countMacs(m, { convention: 'exact' }).macs).toBe(countElements([n, c, hw, hw]));
        expect(countMacs(m).params).toBe(2 * c);
      }),
      RUNS,
    );
  });
});

describe('element-wise rules', () => {
  const broadcastable = fc.tuple(smallShape, fc.array(fc.boolean(), { maxLength: 4 }), fc.nat(2)).map(([a, ones, drop]) => {
    const b = a.map((d, i) => (ones[i] ? 1 : d)).slice(Math.min(drop, a.length - 1));
    return [a, b] as const;
  });

  it('Mul costs 1 MAC per output element in both conventions, broadcasting like numpy', () => {
    fc.assert(
      fc.property(broadcastable, fc.boolean(), ([a, b], swap) => {
        const [sx, sw] = swap ? [b, a] : [a, b];
        const m = oneOp('Mul', sx, [sw]);
        const out = naiveBroadcast(sx, sw)!;
        const c = countMacs(m);
        expect(c.layers[0]!.outputShape).toEqual(out);
        expect(c.macs).toBe(countElements(out));
        expect(countMacs(m, { convention: 'exact' }).macs).toBe(countElements(out));
      }),
      RUNS,
    );
  });

  it.each(['Add', 'Sub', 'Div'])('%s is free in the paper and 1 per output element exact', (op) => {
    fc.assert(
      fc.property(broadcastable, ([a, b]) => {
        const m = oneOp(op, a, [b]);
        expect(countMacs(m, { convention: 'paper' }).macs).toBe(0);
        expect(countMacs(m, { convention: 'exact' }).macs).toBe(countElements(naiveBroadcast(a, b)!));
      }),
      RUNS,
    );
  });

  it.each(['Relu', 'Tanh', 'Identity', 'Sigmoid'])('%s keeps the shape and costs nothing', (op) => {
    fc.assert(
      fc.property(smallShape, (s) => {
        const c = countMacs(oneOp(op, s, []), { convention: 'exact' });
        expect(c.layers[0]!.outputShape).toEqual(s);
        expect(c.macs).toBe(0);
      }),
      RUNS,
    );
  });

  it('LeakyRelu is free in the paper and one multiply per element exact', () => {
    const m = oneOp('LeakyRelu', [1, 4, 5, 5], [], { alpha: attr.float(0.2) });
    expect(countMacs(m, { convention: 'paper' }).macs).toBe(0);
    expect(countMacs(m, { convention: 'exact' }).macs).toBe(100);
  });

  it('refuses shapes that do not broadcast, naming the node', () => {
    expect(() => countMacs(oneOp('Add', [1, 3, 4], [[1, 2, 4]]))).toThrow(/node 'op' \(Add\).*do not broadcast/);
  });
});

describe('Resize / Upsample rules', () => {
  const resizeCase = fc.record({
    c: fc.integer({ min: 1, max: 4 }),
    h: fc.integer({ min: 1, max: 8 }),
    w: fc.integer({ min: 1, max: 8 }),
    scale: fc.constantFrom(1, 2, 3, 0.5),
    mode: fc.constantFrom('nearest', 'linear'),
  });

  it('nearest is free; linear costs 4 per output element (paper) and 2^resized-axes (exact)', () => {
    fc.assert(
      fc.property(resizeCase, ({ c, h, w, scale, mode }) => {
        const g = new GraphBuilder('t');
        const x = g.input({ name: 'x', elemType: 'float32', shape: [1, c, h, w] });
        const scales = g.float('scales', [4], Float32Array.from([1, 1, scale, scale]));
        const m = model(g, g.node('Resize', 'up', [x, '', scales], { mode: attr.string(mode) }));
        const out = [1, c, Math.floor(h * scale), Math.floor(w * scale)];
        fc.pre(out[2]! > 0 && out[3]! > 0);
        const p = countMacs(m, { convention: 'paper' });
        expect(p.layers[0]!.outputShape).toEqual(out);
        const n = countElements(out);
        const resized = [out[2] !== h, out[3] !== w].filter(Boolean).length;
        expect(p.macs).toBe(mode === 'nearest' ? 0 : 4 * n);
        expect(countMacs(m, { convention: 'exact' }).macs).toBe(mode === 'nearest' ? 0 : 2 ** resized * n);
      }),
      RUNS,
    );
  });

  it('reads Resize sizes and Upsample scales (opset 9)', () => {
    const g = new GraphBuilder('t', 13);
    const x = g.input({ name: 'x', elemType: 'float32', shape: [1, 2, 5, 5] });
    const sizes = g.int64('sizes', [1, 2, 7, 9]);
    expect(countMacs(model(g, g.node('Resize', 'r', [x, '', '', sizes]))).layers[0]!.outputShape).toEqual([1, 2, 7, 9]);
    const g9 = new GraphBuilder('t', 9);
    const y = g9.input({ name: 'x', elemType: 'float32', shape: [1, 2, 5, 5] });
    const sc = g9.float('scales', [4], Float32Array.from([1, 1, 2, 2]));
    const up = countMacs(model(g9, g9.node('Upsample', 'u', [y, sc], { mode: attr.string('linear') }), 9));
    expect(up.layers[0]!.outputShape).toEqual([1, 2, 10, 10]);
    expect(up.macs).toBe(4 * 200);
  });
});

describe('Pad, Concat, Clip, Gemm and MatMul rules', () => {
  it('Pad adds begin and end pads per axis (pads input, opset 13) at no cost', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
        fc.array(fc.nat(3), { minLength: 8, maxLength: 8 }),
        ([c, h], pads) => {
          const g = new GraphBuilder('t');
          const x = g.input({ name: 'x', elemType: 'float32', shape: [1, c, h, h] });
          const p = g.int64('pads', pads);
          const r = countMacs(model(g, g.node('Pad', 'pad', [x, p], { mode: attr.string('reflect') })));
          expect(r.layers[0]!.outputShape).toEqual([1, c, h, h].map((d, i) => d + pads[i]! + pads[i + 4]!));
          expect(r.macs).toBe(0);
        },
      ),
      RUNS,
    );
  });

  it('Concat sums the axis', () => {
    const g = new GraphBuilder('t');
    const x = g.input({ name: 'x', elemType: 'float32', shape: [1, 3, 4, 4] });
    const w = g.float('w', [1, 5, 4, 4], fill(80));
    expect(countMacs(model(g, g.node('Concat', 'cat', [x, w], { axis: attr.int(1) }))).layers[0]!.outputShape).toEqual([1, 8, 4, 4]);
  });

  it('Gemm counts M x N x K (+ M x N for C exact) and its B and C as parameters', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        (m, k, n, transB) => {
          const model1 = oneOp('Gemm', [m, k], [transB ? [n, k] : [k, n], [n]], { transB: attr.int(transB ? 1 : 0) });
          expect(countMacs(model1).macs).toBe(m * n * k);
          expect(countMacs(model1, { convention: 'exact' }).macs).toBe(m * n * k + m * n);
          expect(countMacs(model1).params).toBe(k * n + n);
        },
      ),
      RUNS,
    );
  });

  it('MatMul broadcasts batch dims and counts outputs x K', () => {
    const r = countMacs(oneOp('MatMul', [2, 3, 4, 5], [[5, 6]]));
    expect(r.layers[0]!.outputShape).toEqual([2, 3, 4, 6]);
    expect(r.macs).toBe(2 * 3 * 4 * 6 * 5);
    expect(r.params).toBe(30);
  });
});
