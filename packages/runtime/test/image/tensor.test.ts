import fc from 'fast-check';
import { rgbToTensor, tensorToRgb, toByte } from '../../src/image/tensor';

/** Naive reference of the output convention, in float64: uint8((y + 1) / 2 * 255), clipped, truncated. */
const refByte = (y: number): number => (Number.isNaN(y) ? 0 : Math.trunc(Math.min(255, Math.max(0, ((y + 1) / 2) * 255))));

describe('RGB bytes <-> NCHW float32', () => {
  it('lays out HWC bytes as NCHW planes with x / 127.5 - 1', () => {
    // 2x1 image: pixel 0 = (0, 128, 255), pixel 1 = (10, 20, 30)
    const t = rgbToTensor({ data: Uint8Array.of(0, 128, 255, 10, 20, 30), width: 2, height: 1 });
    expect(t.dims).toEqual([1, 3, 1, 2]);
    const f = Math.fround;
    expect(Array.from(t.data)).toEqual([0, 10, 128, 20, 255, 30].map((x) => f(x / 127.5 - 1)));
    expect(t.data[0]).toBe(-1);
    expect(t.data[4]).toBe(1);
  });

  it('turns NCHW planes back into HWC bytes, clipping and truncating', () => {
    const data = Float32Array.of(-1, 1, /* G */ 0, 2, /* B */ -3, Number.NaN);
    const img = tensorToRgb({ data, dims: [1, 3, 1, 2] });
    expect([img.width, img.height]).toEqual([2, 1]);
    // 0 -> 127.5 -> 127 (truncated, not rounded); 2 -> 255 (clipped); -3 -> 0; NaN -> 0
    expect(Array.from(img.data)).toEqual([0, 127, 0, 255, 255, 0]);
  });

  it('matches the float64 reference except where float32 rounding crosses an integer (1 LSB)', () => {
    fc.assert(
      fc.property(fc.float({ min: -2, max: 2, noNaN: true }), (y) => {
        expect(Math.abs(toByte(y) - refByte(y))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('round-trips every byte within 1 LSB, never above the original (truncation)', () => {
    const all = Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256);
    const back = tensorToRgb(rgbToTensor({ data: all, width: 256, height: 1 })).data;
    for (let i = 0; i < all.length; i++) {
      expect(all[i]! - back[i]!).toBeGreaterThanOrEqual(0);
      expect(all[i]! - back[i]!).toBeLessThanOrEqual(1);
    }
  });

  it('refuses tensors that are not one RGB image, quoting the dims', () => {
    expect(() => tensorToRgb({ data: new Float32Array(8), dims: [2, 1, 2, 2] })).toThrow(
      'output: dims [2, 1, 2, 2] are not one RGB image; expected [1, 3, H, W]',
    );
    expect(() => tensorToRgb({ data: new Float32Array(5), dims: [1, 3, 1, 2] })).toThrow('output: 5 values but dims [1, 3, 1, 2] need 6');
    expect(() => rgbToTensor({ data: new Uint8Array(5), width: 2, height: 1 })).toThrow(
      'rgbToTensor: 5 bytes for a 2x1 RGB image (expected 6)',
    );
  });
});
