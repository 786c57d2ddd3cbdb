import sharp from 'sharp';
import { encodeOutput, encodeRgb } from '../../src/image/postprocess';

/** A [1, 3, 4, 6] output with a gradient, values in [-1, 1]. */
function output(): { data: Float32Array; dims: number[] } {
  const n = 4 * 6;
  return { data: Float32Array.from({ length: 3 * n }, (_, i) => (i / (3 * n - 1)) * 2 - 1), dims: [1, 3, 4, 6] };
}

describe('encodeOutput', () => {
  it('writes a PNG by default that decodes to the converted bytes exactly', async () => {
    const img = await encodeOutput(output());
    expect(img).toMatchObject({ format: 'png', mime: 'image/png', width: 6, height: 4 });
    const { data, info } = await sharp(img.data).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([6, 4, 3]);
    // first pixel: R = -1 -> 0; G plane starts at 24/71 -> ...; B plane at 48/71
    const v = (y: number): number => Math.trunc(Math.fround(Math.fround(Math.fround(y + 1) / 2) * 255));
    expect(Array.from(data.subarray(0, 3))).toEqual([0, v((24 / 71) * 2 - 1), v((48 / 71) * 2 - 1)]);
  });

  it.each([
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
  ] as const)('writes %s when asked', async (format, mime) => {
    const img = await encodeOutput(output(), { format, quality: 80 });
    expect(img.mime).toBe(mime);
    const meta = await sharp(img.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual([format, 6, 4]);
  });

  it('quotes an out-of-range option', async () => {
    const rgb = { data: new Uint8Array(3), width: 1, height: 1 };
    await expect(encodeRgb(rgb, { format: 'jpeg', quality: 0 })).rejects.toThrow("image encoder: 'quality' 0 is out of range [1, 100]");
    await expect(encodeRgb(rgb, { format: 'gif' as never })).rejects.toThrow('unknown format "gif". Should be one of: png, jpeg, webp');
  });
});
