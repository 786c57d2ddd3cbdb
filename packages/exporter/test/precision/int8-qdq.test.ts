/**
 * The experimental int8 QDQ pass (not in the CLI; docs/precision.md): which Convs it quantizes,
 * symmetric per-channel weights within half a step of the float ones, and a graph onnxruntime runs.
 */
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { encodeModel, seededRandom } from '@gc-edge/core';
import { exportSubnet } from '../../src/export';
import { calibrate, quantizedConvs, toInt8Qdq } from '../../src/precision/int8-qdq';
import { loadSubnetSpec } from '../../src/subnet/parse';
import { EXAMPLES } from '../../../../test/support/fixtures';

describe('int8 QDQ', () => {
  const { model } = exportSubnet(loadSubnetSpec(path.join(EXAMPLES, 'edges2shapes', 'subnet.json')));
  const dims = [1, 3, 128, 128];
  const rand = seededRandom(3);
  const inputs = [0, 1].map(() => ({ dims, data: Float32Array.from({ length: 3 * 128 * 128 }, () => rand() * 2 - 1) }));

  it('quantizes every Conv but the first and the last, with symmetric per-channel weights within half a step', async () => {
    const ranges = await calibrate(model.graph, (g) => encodeModel({ ...model, graph: g }), inputs);
    const convs = model.graph.nodes.filter((n) => n.opType === 'Conv');
    const { graph, quantized } = toInt8Qdq(model.graph, ranges);
    expect(quantized).toEqual(convs.slice(1, -1).map((n) => n.name));
    expect(quantizedConvs(model.graph)).toHaveLength(convs.length - 2);
    for (const name of quantized) {
      const before = model.graph.nodes.find((n) => n.name === name)!;
      const w = model.graph.initializers.get(before.inputs[1]!)!;
      const after = graph.nodes.find((n) => n.name === name)!;
      const dq = graph.nodes.find((n) => n.opType === 'DequantizeLinear' && n.outputs[0] === after.inputs[1])!;
      const [q, s, z] = dq.inputs.map((i) => graph.initializers.get(i)!);
      expect([q!.dataType, s!.dataType, z!.dataType]).toEqual(['int8', 'float32', 'int8']);
      expect(Array.from(z!.data as Int8Array).every((v) => v === 0)).toBe(true);
      const per = w.data.length / w.dims[0]!;
      let beyond = 0; // the largest error in steps beyond half a step
      let peak = 0;
      for (let i = 0; i < w.data.length; i++) {
        const step = (s!.data as Float32Array)[Math.floor(i / per)]!;
        const v = (q!.data as Int8Array)[i]!;
        peak = Math.max(peak, Math.abs(v));
        beyond = Math.max(beyond, Math.abs(v * step - (w.data as Float32Array)[i]!) / step - 0.5);
      }
      expect(peak).toBe(127); // symmetric: each channel's largest weight is +-127 steps
      expect(beyond).toBeLessThanOrEqual(1e-5);
    }
    // the first and last Conv and every InstanceNormalization read float32 as before
    for (const n of [convs[0]!, convs[convs.length - 1]!]) expect(graph.nodes.find((m) => m.name === n.name)).toEqual(n);
    const bytes = encodeModel({ ...model, graph });
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    try {
      const out = await session.run({ input: new ort.Tensor('float32', inputs[0]!.data, dims) });
      expect(out['output']!.dims).toEqual(dims);
      const o = out['output']!.data as Float32Array;
      expect(o.every((v) => Number.isFinite(v) && Math.abs(v) <= 1 + 1e-6)).toBe(true); // tanh, as onnxruntime computes it
    } finally {
      await session.release();
    }
  });
});
