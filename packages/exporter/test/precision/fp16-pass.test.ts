/**
 * The fp16 pass on its own and its failure modes: float16 inputs and outputs with --io fp16, an op it
 * does not know kept in float32, a weight shared by a float32 and a float16 node, a weight beyond
 * float16's range refused, and a model whose float16 output is broken (a planted weight error)
 * failing --verify's fp16 criterion.
 */
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { attr, decodeModel, encodeModel, GraphBuilder, halfToFloat, type Model, type InitializerData } from '@gc-edge/core';
import { exportSubnet } from '../../src/export';
import { toFp16, withPrecision } from '../../src/precision';
import { loadSubnetSpec } from '../../src/subnet/parse';
import { verifyModel } from '../../src/verify';
import { EXAMPLES } from '../../../../test/support/fixtures';

const edges2shapes = (): ReturnType<typeof loadSubnetSpec> => loadSubnetSpec(path.join(EXAMPLES, 'edges2shapes', 'subnet.json'));

describe('--io fp16', () => {
  it('gives float16 inputs and outputs, onnxruntime sees float16, and --verify passes', async () => {
    const r = exportSubnet(edges2shapes(), { precision: 'fp16', io: 'fp16' });
    const decoded = decodeModel(r.bytes);
    expect(decoded.graph.inputs[0]!.elemType).toBe('float16');
    expect(decoded.graph.outputs[0]!.elemType).toBe('float16');
    expect(decoded.metadata['gc_edge.precision.io']).toBe('fp16');
    const session = await ort.InferenceSession.create(r.bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    try {
      expect(session.inputMetadata[0]).toMatchObject({ name: 'input', type: 'float16' });
      expect(session.outputMetadata[0]).toMatchObject({ name: 'output', type: 'float16' });
    } finally {
      await session.release();
    }
    const v = await verifyModel(r.model, r.bytes, 0, undefined, r.reference);
    expect(v.ok).toBe(true);
  });

  it('is refused without --precision fp16', () => {
    expect(() => exportSubnet(edges2shapes(), { io: 'fp16' })).toThrow(/need --precision fp16/);
  });
});

describe('a planted error', () => {
  it('fails the fp16 criterion: one float16 weight of the first conv scaled by 1.5', async () => {
    const r = exportSubnet(edges2shapes(), { precision: 'fp16' });
    const stem = r.model.graph.nodes.find((n) => n.opType === 'Conv')!;
    const w = r.model.graph.initializers.get(stem.inputs[1]!)!;
    expect(w.dataType).toBe('float16');
    const data = Uint16Array.from(w.data as Uint16Array);
    let at = 0;
    for (let i = 1; i < data.length; i++) if (Math.abs(halfToFloat(data[i]!)) > Math.abs(halfToFloat(data[at]!))) at = i;
    data[at] = data[at]! + 0x0200; // the largest weight's mantissa + 0.5: x1.5 or so
    const initializers = new Map<string, InitializerData>(r.model.graph.initializers);
    initializers.set(stem.inputs[1]!, { ...w, data } as InitializerData);
    const broken: Model = { ...r.model, graph: { ...r.model.graph, initializers } };
    const v = await verifyModel(broken, encodeModel(broken), 0, undefined, r.reference);
    expect(v.ok).toBe(false);
    const intact = await verifyModel(r.model, r.bytes, 0, undefined, r.reference);
    expect(intact.ok).toBe(true);
  });
});

/** input -> Conv(w) -> Softsign (an op the pass does not know) -> InstanceNorm(ones, zeros) -> Mul(ones) -> Conv(w) -> output */
function tinyGraph(weight = 0.5): Model {
  const g = new GraphBuilder('tiny', 13);
  const x = g.input({ name: 'input', elemType: 'float32', shape: [1, 2, 2, 2] });
  const w = g.float('w', [2, 2, 1, 1], new Float32Array(4).fill(weight));
  const ones = g.float('ones', [2], new Float32Array(2).fill(1));
  const zeros = g.float('zeros', [2], new Float32Array(2));
  const c1 = g.node('Conv', 'c1', [x, w]);
  const s = g.node('Softsign', 'soft', [c1]);
  const n = g.node('InstanceNormalization', 'norm', [s, ones, zeros], { epsilon: attr.float(1e-5) });
  // the norm's scale is also read by a float16 Mul: the pass must copy it, not convert it in place
  const m = g.node('Mul', 'scale', [n, ones]);
  g.rename(g.node('Conv', 'c2', [m, w]), 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [1, 2, 2, 2] });
  return { graph: g.finish(), opset: 13, producerName: 'test', producerVersion: '0', metadata: {} };
}

describe('the fp16 pass', () => {
  it('keeps an op it does not know in float32, casts at each boundary once, and copies a weight float32 nodes also read', async () => {
    const { graph, keptFp32 } = toFp16(tinyGraph().graph);
    expect(keptFp32).toEqual(['soft', 'norm']);
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    const casts = graph.nodes.filter((n) => n.opType === 'Cast').map((n) => `${n.inputs[0]}->${String(n.attributes['to']?.value)}`);
    // input -> fp16 for c1; c1 -> fp32 for soft; norm -> fp16 for scale; c2 -> fp32 for the output
    expect(casts).toEqual(['input->10', 'c1->1', 'norm->10', 'output.fp16->1']);
    expect(graph.initializers.get('ones')!.dataType).toBe('float32');
    expect(graph.initializers.get(byName.get('scale')!.inputs[1]!)!.dataType).toBe('float16');
    expect(graph.initializers.get('w')!.dataType).toBe('float16');
    const model = { ...tinyGraph(), graph };
    const session = await ort.InferenceSession.create(encodeModel(model), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    try {
      const x = Float32Array.from({ length: 8 }, (_, i) => Math.sin(i));
      const out = await session.run({ input: new ort.Tensor('float32', x, [1, 2, 2, 2]) });
      expect(out['output']!.type).toBe('float32');
    } finally {
      await session.release();
    }
  });

  it("refuses a weight beyond float16's range, naming it", () => {
    expect(() => withPrecision(tinyGraph(70000), { precision: 'fp16' })).toThrow(/^w: values up to 7\.000e\+4 are beyond float16's range/);
  });

  it('leaves a float32 model as it is', () => {
    const m = tinyGraph();
    expect(withPrecision(m).model).toBe(m);
  });
});
