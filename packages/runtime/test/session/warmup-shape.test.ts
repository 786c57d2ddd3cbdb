/** The shapes a model is warmed up at: static dims kept, symbolic ones from metadata or defaults. */
import type { ModelInfo, TensorInfo } from '../../src/session/types';
import { parseShapeString } from '@gc-edge/core';
import { DEFAULT_WARMUP_BATCH, DEFAULT_WARMUP_SIZE, warmupShapes, zeroFeeds } from '../../src/session/warmup-shape';

const input = (name: string, shape: TensorInfo['shape']): TensorInfo => ({ name, type: 'float32', shape });
const info = (inputs: TensorInfo[], metadata: Record<string, string> = {}): ModelInfo => ({ inputs, outputs: [], metadata });

describe('warm-up shapes', () => {
  it('keeps a static input shape as it is', () => {
    expect(warmupShapes(info([input('input', [1, 3, 64, 64])], { macs_input_shape: '1x3x256x256' }))).toEqual({ input: [1, 3, 64, 64] });
  });

  it('takes symbolic dims from the macs_input_shape gc-export writes', () => {
    const m = info([input('input', ['batch', 3, 'height', 'width'])], { macs_input_shape: '1x3x256x512' });
    expect(warmupShapes(m)).toEqual({ input: [1, 3, 256, 512] });
  });

  it('defaults to batch 1 and 256 for every other symbolic dim without metadata', () => {
    expect([DEFAULT_WARMUP_BATCH, DEFAULT_WARMUP_SIZE]).toEqual([1, 256]);
    expect(warmupShapes(info([input('input', ['batch', 3, 'height', 'width'])]))).toEqual({ input: [1, 3, 256, 256] });
    // onnxruntime may report an unnamed dynamic dim as -1.
    expect(warmupShapes(info([input('x', [-1, 3, -1, 8])]))).toEqual({ x: [1, 3, 256, 8] });
  });

  it('ignores metadata that contradicts the input (rank or a fixed dim)', () => {
    const dims = ['batch', 3, 'height', 'width'];
    expect(warmupShapes(info([input('input', dims)], { macs_input_shape: '1x1x64x64' }))).toEqual({ input: [1, 3, 256, 256] });
    expect(warmupShapes(info([input('input', dims)], { macs_input_shape: '1x3x64' }))).toEqual({ input: [1, 3, 256, 256] });
  });

  it('gives a symbolic name the same value in every input', () => {
    const m = info([input('image', ['batch', 3, 'height', 'width']), input('mask', ['batch', 1, 'height', 'width'])], {
      macs_input_shape: '2x3x32x48',
    });
    expect(warmupShapes(m)).toEqual({ image: [2, 3, 32, 48], mask: [2, 1, 32, 48] });
  });

  it.each(['', '1x3x0x4', '1x3xax4', '1,3,4,4', 'x3', '1x3x1234567890x4'])('rejects the shape string %j', (s) =>
    expect(parseShapeString(s)).toBeUndefined(),
  );

  it('makes zero feeds of those shapes', () => {
    const feeds = zeroFeeds({ input: [1, 3, 2, 2] });
    expect(feeds['input']!.dims).toEqual([1, 3, 2, 2]);
    expect(Array.from(feeds['input']!.data)).toEqual(new Array(12).fill(0));
  });
});
