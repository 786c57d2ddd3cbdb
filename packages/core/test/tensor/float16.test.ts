/**
 * float32 -> float16 bit patterns: exact values, rounding to nearest even at the normal and subnormal
 * ends, overflow to infinity, and (fast-check) the result is always a nearest float16, against a
 * naive search over the neighbouring bit patterns.
 */
import fc from 'fast-check';
import { encodeModel, decodeModel, GraphBuilder } from '../../src';
import { FLOAT16_MAX, floatToHalf, halfToFloat, toFloat16Bits } from '../../src/tensor/float16';

describe('floatToHalf', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [FLOAT16_MAX, 0x7bff],
    [65519, 0x7bff], // below the halfway point to the next (infinite) step
    [65520, 0x7c00], // halfway: rounds to even, which is infinity
    [2 ** -24, 0x0001], // the smallest subnormal
    [2 ** -25, 0x0000], // half of it: ties to even, zero
    [3 * 2 ** -25, 0x0002], // one and a half of it: ties to even, two
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and its successor: even (1)
    [1 + 3 * 2 ** -11, 0x3c02], // halfway between 1+2^-10 and 1+2^-9: even
    [Infinity, 0x7c00],
  ])('%p -> bit pattern %i', (x, bits) => {
    expect(floatToHalf(x).toString(16)).toBe(bits.toString(16));
  });

  it('keeps NaN a NaN', () => {
    expect(Number.isNaN(halfToFloat(floatToHalf(NaN)))).toBe(true);
  });

  it('always gives a nearest float16 (naive search over the neighbours)', () => {
    fc.assert(
      fc.property(fc.float({ min: -60000, max: 60000, noNaN: true }), (x) => {
        const h = floatToHalf(x);
        const err = Math.abs(halfToFloat(h) - Math.fround(x));
        const sign = h & 0x8000;
        for (const d of [-1, 1]) {
          const n = ((h & 0x7fff) + d) | sign;
          if ((n & 0x7fff) > 0x7bff || (h & 0x7fff) + d < 0) continue;
          expect(err).toBeLessThanOrEqual(Math.abs(halfToFloat(n) - Math.fround(x)));
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('float16 and int8 initializers in the codec', () => {
  it('write ONNX FLOAT16 and INT8 tensors that read back (widened to float32 and int64) with their values', () => {
    const g = new GraphBuilder('t');
    const x = g.input({ name: 'input', elemType: 'float16', shape: [2] });
    const g2 = g.finish();
    const initializers = new Map(g2.initializers);
    initializers.set('h', { dataType: 'float16', dims: [3], data: toFloat16Bits([1.5, -2, 0.1]) });
    initializers.set('q', { dataType: 'int8', dims: [2], data: Int8Array.of(-127, 5) });
    const nodes = [{ opType: 'Add', name: 'output', inputs: [x, 'h'], outputs: ['output'], attributes: {} }];
    const outputs = [{ name: 'output', elemType: 'float16' as const, shape: [2] }];
    const graph = { ...g2, nodes, initializers, outputs };
    const bytes = encodeModel({ graph, opset: 13, producerName: 't', producerVersion: '0', metadata: {} });
    const back = decodeModel(bytes);
    expect(back.graph.inputs[0]!.elemType).toBe('float16');
    expect(back.graph.outputs[0]!.elemType).toBe('float16');
    const h = Float32Array.of(1.5, -2, halfToFloat(floatToHalf(0.1)));
    expect(back.graph.initializers.get('h')).toEqual({ dataType: 'float32', dims: [3], data: h });
    expect(back.graph.initializers.get('q')).toEqual({ dataType: 'int64', dims: [2], data: BigInt64Array.of(-127n, 5n) });
  });
});
