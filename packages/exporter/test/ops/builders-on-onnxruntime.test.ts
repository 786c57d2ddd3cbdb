/**
 * Each op builder, at opsets 11, 13 and 17, produces a node onnxruntime accepts and computes what the
 * reference interpreter computes (exactly, for the ops that only move values).
 */
import { GraphBuilder, type Graph, type Tensor } from '@gc-edge/core';
import { ops, runReference } from '@gc-edge/exporter';
import { loadManifest, maxAbsDiff, runOnnxruntime } from '../architectures/resnet-fixtures';
import { naiveNearest, seededValues } from '../reference/naive';

const OPSETS = [11, 13, 17];
const tolerance = loadManifest().tolerance.maxAbs;

function tensor(shape: number[], seed: number, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from(seededValues(seed, n), (v) => v * scale) };
}

function graphOf(opset: number, inShape: number[], outShape: number[], body: (g: GraphBuilder, x: string) => string): Graph {
  const g = new GraphBuilder(`ops_${opset}`, opset);
  const x = g.input({ name: 'input', elemType: 'float32', shape: inShape });
  g.rename(body(g, x), 'output');
  g.output({ name: 'output', elemType: 'float32', shape: outShape });
  return g.finish();
}

async function both(graph: Graph, opset: number, x: Tensor): Promise<{ ort: Float32Array; ref: Float64Array; dims: readonly number[] }> {
  const ref = runReference(graph, { input: { dims: x.shape, data: Float64Array.from(x.data) } })['output']!;
  const ort = await runOnnxruntime(graph, opset, x.shape, x.data);
  return { ort, ref: ref.data, dims: ref.dims };
}

describe.each(OPSETS)('op builders at opset %i', (opset) => {
  const x = tensor([1, 4, 6, 6], opset, 1.5);

  it.each([
    ['up x2 by scales', { scales: [2, 2] as [number, number] }, [1, 4, 12, 12]],
    ['down to 3x3 by sizes', { sizes: [1, 4, 3, 3] as [number, number, number, number] }, [1, 4, 3, 3]],
    ['down to 2x3 by sizes (x3, x2)', { sizes: [1, 4, 2, 3] as [number, number, number, number] }, [1, 4, 2, 3]],
  ])('resizeNearest %s picks the pixels PyTorch nearest picks', async (_, target, outShape) => {
    const graph = graphOf(opset, x.shape as number[], outShape, (g, v) => ops.resizeNearest(g, 'label.resize', v, target));
    const { ort, ref, dims } = await both(graph, opset, x);
    const want = naiveNearest({ dims: x.shape, data: Float64Array.from(x.data) }, outShape[2]!, outShape[3]!);
    expect(dims).toEqual(outShape);
    expect(Array.from(ref)).toEqual(Array.from(want.data));
    expect(Array.from(ort)).toEqual(Array.from(want.data));
  });

  it.each([
    ['reflect', 0],
    ['edge', 0],
    ['constant', 0.5],
  ] as const)('pad %s moves exactly the same values on onnxruntime and in the reference', async (mode, value) => {
    const amount = { top: 1, bottom: 3, left: 2, right: 0 };
    const graph = graphOf(opset, [1, 4, 6, 6], [1, 4, 10, 8], (g, v) => ops.pad(g, 'p', v, amount, mode, value));
    const { ort, ref } = await both(graph, opset, x);
    expect(Array.from(ort)).toEqual(Array.from(ref));
  });

  it('clip bounds values exactly as the reference does', async () => {
    const graph = graphOf(opset, [1, 4, 6, 6], [1, 4, 6, 6], (g, v) => ops.clip(g, 'input.clip', v, -1, 1));
    const { ort, ref } = await both(graph, opset, x);
    expect(Array.from(ort)).toEqual(Array.from(ref));
    expect(Math.max(...ref)).toBe(1);
  });

  it('conv (group, stride, dilation, asymmetric pads) and conv-transpose agree with the reference', async () => {
    const graph = graphOf(opset, [1, 4, 6, 6], [1, 6, 6, 8], (g, v) => {
      const c = ops.conv(g, 'c', v, tensor([6, 2, 3, 2], 1), tensor([6], 2), {
        group: 2,
        stride: 2,
        dilation: 2,
        pads: { top: 2, left: 1, bottom: 1, right: 2 },
      });
      // conv: H (6 + 2 + 1 - 5) / 2 + 1 = 3, W (6 + 1 + 2 - 3) / 2 + 1 = 4; conv-transpose doubles: 6x8
      return ops.convTranspose(g, 'ct', c, tensor([6, 3, 3, 3], 3), tensor([6], 4), { group: 2, stride: 2, pads: 1, outputPadding: 1 });
    });
    const { ort, ref, dims } = await both(graph, opset, x);
    expect(dims).toEqual([1, 6, 6, 8]);
    expect(maxAbsDiff(ort, ref)).toBeLessThanOrEqual(tolerance);
  });

  it('norms, activations, mul/add broadcasting and concat agree with the reference', async () => {
    const graph = graphOf(opset, [1, 4, 6, 6], [1, 8, 6, 6], (g, v) => {
      const stats = { runningMean: tensor([4], 5), runningVar: { shape: [4], data: Float32Array.of(0.5, 1, 2, 4) } };
      const bnPlain = ops.batchNorm(g, 'bn.plain', v, stats);
      const bnAffine = ops.batchNorm(g, 'bn.affine', v, { ...stats, weight: tensor([4], 6), bias: tensor([4], 7) });
      const gamma = g.float('gamma', [1, 4, 1, 1], tensor([4], 8).data);
      const mixed = ops.add(g, 'sum', ops.mul(g, 'scale', bnPlain, gamma), ops.leakyRelu(g, 'lrelu', bnAffine, 0.2));
      const normed = ops.instanceNorm(g, 'in', ops.relu(g, 'relu', mixed), 4);
      return ops.concat(g, 'cat', [ops.tanh(g, 'tanh', normed), mixed], 1);
    });
    const { ort, ref, dims } = await both(graph, opset, x);
    expect(dims).toEqual([1, 8, 6, 6]);
    expect(maxAbsDiff(ort, ref)).toBeLessThanOrEqual(tolerance);
  });
});

describe('shape constants', () => {
  it('are shared: one ones/zeros pair per channel count, one pads tensor per padding', () => {
    const graph = graphOf(13, [1, 4, 6, 6], [1, 4, 6, 6], (g, v) => {
      let y = v;
      for (let i = 0; i < 3; i++) y = ops.instanceNorm(g, `n${i}`, ops.pad(g, `p${i}`, y, 1), 4);
      return ops.pad(g, 'crop', y, { top: -3, bottom: -3, left: -3, right: -3 }, 'constant');
    });
    expect([...graph.initializers.keys()].sort()).toEqual([
      'const.ones.4',
      'const.pads.0_0_-3_-3_0_0_-3_-3',
      'const.pads.0_0_1_1_0_0_1_1',
      'const.zeros.4',
    ]);
  });

  it('refuses opsets outside 11..17 with the accepted range', () => {
    const g = new GraphBuilder('t', 10);
    const x = g.input({ name: 'input', elemType: 'float32', shape: [1, 1, 2, 2] });
    expect(() => ops.clip(g, 'input.clip', x, -1, 1)).toThrow('input.clip: opset 10 is not supported (expected an integer in 11..17)');
  });
});
