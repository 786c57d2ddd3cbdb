import { attr, countMacs, encodeModel, GraphBuilder, readModelForCounting, supportedOps } from '../../src';
import { fill, model } from './build';

function dynamicConv() {
  const g = new GraphBuilder('t');
  const x = g.input({ name: 'input', elemType: 'float32', shape: ['batch', 3, 'height', 'width'] });
  const w = g.float('w', [4, 3, 3, 3], fill(108));
  return model(g, g.node('Conv', 'conv', [x, w], { pads: attr.ints([1, 1, 1, 1]) }));
}

describe('symbolic dimensions and --shape overrides', () => {
  it('refuses symbolic dims without overrides, naming them and suggesting --shape', () => {
    expect(() => countMacs(dynamicConv())).toThrow(/input 'input' has symbolic dims batch, height, width/);
  });

  it('takes a whole input shape or single named dims', () => {
    expect(countMacs(dynamicConv(), { shapes: { input: [2, 3, 8, 8] } }).macs).toBe(2 * 4 * 64 * 27);
    expect(countMacs(dynamicConv(), { shapes: { batch: 1, height: 4, width: 5 } }).macs).toBe(4 * 20 * 27);
  });

  it('refuses an override for a name the model does not have, listing the valid ones', () => {
    expect(() => countMacs(dynamicConv(), { shapes: { image: [1, 3, 8, 8] } })).toThrow(/no input or symbolic dimension named 'image'; valid: 'input', 'batch', 'height', 'width'/);
  });

  it('suggests sensible sizes for the symbolic dims (batch 1, channels kept, 256 spatial), never batch=256', () => {
    try {
      countMacs(dynamicConv());
      throw new Error('expected an error');
    } catch (e) {
      expect((e as { hint?: string }).hint).toBe('give concrete sizes, e.g. --shape input=1x3x256x256 or --shape batch=1');
    }
  });

  it('refuses to override a fixed dimension, naming the input and its fixed shape', () => {
    const g = new GraphBuilder('t');
    const x = g.input({ name: 'input', elemType: 'float32', shape: [1, 3, 256, 256] });
    const m = model(g, g.node('Conv', 'conv', [x, g.float('w', [4, 3, 3, 3], fill(108))], { pads: attr.ints([1, 1, 1, 1]) }));
    expect(() => countMacs(m, { shapes: { input: [1, 3, 512, 512] } })).toThrow(
      "--shape input=1x3x512x512: input 'input' has the fixed shape [1x3x256x256]; dimension 2 is 256, not 512",
    );
    // restating the fixed shape is fine
    expect(countMacs(m, { shapes: { input: [1, 3, 256, 256] } }).macs).toBe(4 * 256 * 256 * 27);
  });

  it('lets a partly symbolic input set its symbolic dims only', () => {
    const g = new GraphBuilder('t');
    const x = g.input({ name: 'input', elemType: 'float32', shape: ['batch', 3, 8, 8] });
    const m = model(g, g.node('Conv', 'conv', [x, g.float('w', [4, 3, 3, 3], fill(108))], { pads: attr.ints([1, 1, 1, 1]) }));
    expect(countMacs(m, { shapes: { input: [2, 3, 8, 8] } }).macs).toBe(2 * 4 * 64 * 27);
    try {
      countMacs(m, { shapes: { input: [2, 3, 16, 16] } });
      throw new Error('expected an error');
    } catch (e) {
      expect((e as Error).message).toMatch(/has the fixed shape \[batchx3x8x8\]; dimension 2 is 8, not 16/);
      expect((e as { hint?: string }).hint).toBe('only its symbolic dims may be set, e.g. --shape input=1x3x8x8');
    }
  });

  it('refuses an override with the wrong rank', () => {
    expect(() => countMacs(dynamicConv(), { shapes: { input: [3, 8, 8] } })).toThrow(/gave 3 dims/);
  });
});

describe('unsupported graphs', () => {
  it('names the node and op, and lists the supported ops', () => {
    const g = new GraphBuilder('t');
    const x = g.input({ name: 'x', elemType: 'float32', shape: [1, 3, 4, 4] });
    try {
      countMacs(model(g, g.node('LpPool', 'pool', [x])));
      throw new Error('expected an error');
    } catch (e) {
      expect((e as Error).message).toMatch(/node 'pool' \(LpPool\): the MAC counter does not support op LpPool/);
      expect((e as { hint?: string }).hint).toContain(supportedOps().join(', '));
    }
  });

  it('rejects an unknown convention listing the valid ones', () => {
    expect(() => countMacs(dynamicConv(), { convention: 'flops' as never })).toThrow(/unknown MAC convention 'flops'; expected one of: paper, exact/);
  });
});

describe('readModelForCounting', () => {
  it('keeps what decodeModel keeps (a gc-export style model counts the same after a round trip)', () => {
    const m = dynamicConv();
    const back = readModelForCounting(encodeModel(m), 'm.onnx');
    expect(countMacs(back, { shapes: { input: [1, 3, 8, 8] } })).toEqual(countMacs(m, { shapes: { input: [1, 3, 8, 8] } }));
  });
});
