import { GraphBuilder, attr, encodeModel, decodeModel, parseNpy, formatNpy } from '@gc-edge/core';

describe('ONNX codec', () => {
  it('round-trips nodes, attributes, initializers and metadata', () => {
    const g = new GraphBuilder('t');
    const x = g.input({ name: 'input', elemType: 'float32', shape: ['batch', 3, 8, 8] });
    const w = g.float('conv.weight', [4, 3, 1, 1], new Float32Array(12).map((_, i) => i / 7));
    const y = g.node('Conv', 'conv', [x, w], { kernel_shape: attr.ints([1, 1]), group: attr.int(1) });
    const pads = g.int64('pad.pads', [0, 0, 1, 1, 0, 0, 1, 1]);
    const z = g.node('Pad', 'pad', [y, pads], { mode: attr.string('reflect') });
    g.float('unused', [1], new Float32Array([1]));
    g.rename(z, 'output');
    g.output({ name: 'output', elemType: 'float32', shape: ['batch', 4, 10, 10] });
    const graph = g.finish();
    expect([...graph.initializers.keys()]).toEqual(['conv.weight', 'pad.pads']);
    const bytes = encodeModel({ graph, opset: 13, producerName: 'gc-edge', producerVersion: '0', metadata: { config: '8_8' } });
    const back = decodeModel(bytes);
    expect(back.opset).toBe(13);
    expect(back.metadata).toEqual({ config: '8_8' });
    expect(back.graph.inputs[0]!.shape).toEqual(['batch', 3, 8, 8]);
    expect(back.graph.nodes.map((n) => n.name)).toEqual(['conv', 'pad']);
    expect(back.graph.nodes[1]!.outputs).toEqual(['output']);
    expect(back.graph.nodes[1]!.attributes['mode']).toEqual({ type: 'string', value: 'reflect' });
    const wt = back.graph.initializers.get('conv.weight')!;
    expect(wt.data).toEqual(new Float32Array(12).map((_, i) => i / 7));
    expect(Array.from(back.graph.initializers.get('pad.pads')!.data as BigInt64Array, Number)).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it('refuses bytes that are not a model, with a code', () => {
    expect(() => decodeModel(new Uint8Array([0xff, 0xff, 0xff]), 'bad.onnx')).toThrow(/bad.onnx: not an ONNX model/);
  });
});

describe('npy', () => {
  it('round-trips float32 arrays', () => {
    const a = { dtype: 'float32' as const, shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) };
    const b = parseNpy(formatNpy(a));
    expect(b.shape).toEqual([2, 3]);
    expect(b.data).toEqual(a.data);
  });
});
