/** exposeValues: node outputs become float32 graph outputs (through a Cast), run by real onnxruntime. */
import * as ort from 'onnxruntime-node';
import { GraphBuilder, attr, decodeModel, encodeModel, exposeValues, nodesInOrder, PROBE_SUFFIX } from '@gc-edge/core';

function twoNodeModel(): Uint8Array {
  const g = new GraphBuilder('t');
  const x = g.input({ name: 'input', elemType: 'float32', shape: [1, 2] });
  const scale = g.float('scale', [1], new Float32Array([3]));
  const y = g.node('Mul', 'triple', [x, scale]);
  const z = g.node('Relu', 'relu', [y]);
  g.rename(z, 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [1, 2] });
  return encodeModel({ graph: g.finish(), opset: 13, producerName: 't', producerVersion: '0', metadata: { 'gc_edge.contract': '1' } });
}

describe('exposeValues', () => {
  it('lists nodes in graph order and exposes an intermediate value onnxruntime then returns', async () => {
    const bytes = twoNodeModel();
    expect(nodesInOrder(bytes)).toEqual([
      { name: 'triple', opType: 'Mul', outputs: ['triple'] },
      { name: 'relu', opType: 'Relu', outputs: ['output'] },
    ]);
    const probed = exposeValues(bytes, ['triple']);
    const m = decodeModel(probed);
    expect(m.graph.outputs.map((o) => o.name)).toEqual(['output', `triple${PROBE_SUFFIX}`]);
    expect(m.graph.nodes.at(-1)).toMatchObject({ opType: 'Cast', inputs: ['triple'], attributes: { to: attr.int(1) } });
    // the contract names the model's own outputs: the probed graph must not carry it
    expect(m.metadata).toEqual({});
    const session = await ort.InferenceSession.create(probed);
    const out = await session.run({ input: new ort.Tensor('float32', new Float32Array([-1, 2]), [1, 2]) });
    expect(Array.from(out[`triple${PROBE_SUFFIX}`]!.data as Float32Array)).toEqual([-3, 6]);
    expect(Array.from(out['output']!.data as Float32Array)).toEqual([0, 6]);
    await session.release();
  });

  it('refuses a value no node produces, naming it', () => {
    expect(() => exposeValues(twoNodeModel(), ['input'], 'm.onnx')).toThrow("m.onnx: no node produces a value named 'input'");
  });
});
