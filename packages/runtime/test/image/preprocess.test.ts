import sharp from 'sharp';
import { GcError } from '@gc-edge/core';
import { preprocessImage } from '../../src/image/preprocess';

const f = Math.fround;
const norm = (x: number): number => f(x / 127.5 - 1);

/** A PNG (or other format) from interleaved bytes with `channels` 1..4 (1/2 = grayscale[+alpha]). */
async function encode(
  data: number[],
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
  format: 'png' | 'jpeg' | 'webp' = 'png',
  orientation?: number,
): Promise<Buffer> {
  let s = sharp(Buffer.from(data), { raw: { width, height, channels } });
  if (channels <= 2) s = s.toColourspace('b-w');
  s = format === 'png' ? s.png() : format === 'jpeg' ? s.jpeg({ quality: 100 }) : s.webp({ lossless: true });
  if (orientation) s = s.withMetadata({ orientation });
  return s.toBuffer();
}

/** Pixel (x, y) of channel c of a [1, 3, H, W] tensor. */
const at = (t: { data: Float32Array; dims: readonly number[] }, c: number, y: number, x: number): number =>
  t.data[(c * t.dims[2]! + y) * t.dims[3]! + x]!;

describe('preprocessImage: conversions', () => {
  it('turns RGB PNG bytes into NCHW x / 127.5 - 1, pixel for pixel', async () => {
    const px = [0, 64, 128, 255, 1, 2, 30, 40, 50, 200, 210, 220];
    const { tensor, source } = await preprocessImage(await encode(px, 2, 2, 3));
    expect(tensor.dims).toEqual([1, 3, 2, 2]);
    expect(source).toEqual({ format: 'png', width: 2, height: 2, orientation: 1, channels: 3, hasAlpha: false });
    for (let i = 0; i < 4; i++) for (let c = 0; c < 3; c++) expect(at(tensor, c, i >> 1, i & 1)).toBe(norm(px[i * 3 + c]!));
  });

  it('applies EXIF orientation before anything else (6: stored 4x2 is shown rotated 90° clockwise)', async () => {
    // stored pixel (x, y) has red = 10 * (y * 4 + x) + 10
    const stored = Array.from({ length: 8 }, (_, i) => [10 * i + 10, 0, 0]).flat();
    const png = await encode(stored, 4, 2, 3, 'png', 6);
    const { tensor, source } = await preprocessImage(png, { width: 2, height: 4, policy: 'refuse' });
    expect(source.orientation).toBe(6);
    expect(tensor.dims).toEqual([1, 3, 4, 2]);
    // Rotating clockwise: shown (x', y') = stored (x = y', y = H - 1 - x') with H = 2.
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 2; x++) expect(at(tensor, 0, y, x)).toBe(norm(10 * ((1 - x) * 4 + y) + 10));
    }
  });

  it('drops alpha, keeping the stored colour of transparent pixels (as PIL convert("RGB") does)', async () => {
    const png = await encode([200, 10, 50, 0, 1, 2, 3, 255], 2, 1, 4);
    const { tensor, source } = await preprocessImage(png);
    expect(source.hasAlpha).toBe(true);
    expect(tensor.dims).toEqual([1, 3, 1, 2]);
    expect([0, 1, 2].map((c) => at(tensor, c, 0, 0))).toEqual([200, 10, 50].map(norm));
    expect([0, 1, 2].map((c) => at(tensor, c, 0, 1))).toEqual([1, 2, 3].map(norm));
  });

  it.each([
    ['grayscale', [0, 90, 180, 255], 1],
    ['grayscale with alpha', [0, 255, 90, 0, 180, 128, 255, 255], 2],
  ] as const)('makes %s three equal channels', async (_, px, channels) => {
    const png = await encode([...px], 2, 2, channels);
    const { tensor, source } = await preprocessImage(png);
    expect(source.channels).toBe(channels);
    expect(tensor.dims).toEqual([1, 3, 2, 2]);
    const grays = channels === 1 ? px : px.filter((_v, i) => i % 2 === 0);
    grays.forEach((g, i) => {
      for (let c = 0; c < 3; c++) expect(at(tensor, c, i >> 1, i & 1)).toBe(norm(g));
    });
  });

  it('reduces a 16-bit PNG to 8 bits', async () => {
    const png = await sharp(Buffer.from([10, 20, 30]), { raw: { width: 1, height: 1, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(png).metadata()).depth).toBe('ushort');
    const { tensor } = await preprocessImage(png);
    expect(Array.from(tensor.data)).toEqual([10, 20, 30].map(norm));
  });

  it.each(['jpeg', 'webp'] as const)('decodes %s', async (format) => {
    const px = Array.from({ length: 16 * 8 * 3 }, () => 128);
    const { tensor, source } = await preprocessImage(await encode(px, 16, 8, 3, format));
    expect(source.format).toBe(format);
    expect(tensor.dims).toEqual([1, 3, 8, 16]);
    for (const v of tensor.data) expect(Math.abs(v - norm(128))).toBeLessThanOrEqual(2 / 127.5);
  });
});

describe('preprocessImage: size policies', () => {
  // 6x2: a red, a green and a blue 2-pixel-wide stripe.
  const stripes = (): Promise<Buffer> =>
    encode(
      Array.from({ length: 12 }, (_, i) => {
        const x = i % 6;
        return x < 2 ? [255, 0, 0] : x < 4 ? [0, 255, 0] : [0, 0, 255];
      }).flat(),
      6,
      2,
      3,
    );

  it('crop scales to cover and keeps the centre', async () => {
    const { tensor } = await preprocessImage(await stripes(), { width: 2, height: 2, policy: 'crop' });
    expect(tensor.dims).toEqual([1, 3, 2, 2]);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) expect([0, 1, 2].map((c) => at(tensor, c, y, x))).toEqual([-1, 1, -1]);
  });

  it('resize squeezes the whole image in, aspect ratio not kept', async () => {
    const { tensor } = await preprocessImage(await stripes(), { width: 2, height: 2, policy: 'resize' });
    expect(tensor.dims).toEqual([1, 3, 2, 2]);
    expect(at(tensor, 0, 0, 0)).toBeGreaterThan(0); // left column mostly red
    expect(at(tensor, 2, 0, 1)).toBeGreaterThan(0); // right column mostly blue
  });

  it('resize is the default policy', async () => {
    const { tensor } = await preprocessImage(await stripes(), { width: 3, height: 3 });
    expect(tensor.dims).toEqual([1, 3, 3, 3]);
  });

  it('refuse names both sizes', async () => {
    await expect(preprocessImage(await stripes(), { width: 4, height: 4, policy: 'refuse' })).rejects.toMatchObject({
      code: 'E_IMAGE',
      message: 'image: 6x2 (after EXIF orientation) but the model takes 4x4',
    });
  });

  it('keeps the image size when no target is given', async () => {
    expect((await preprocessImage(await stripes())).tensor.dims).toEqual([1, 3, 2, 6]);
  });

  it('rejects unknown policies and half-given sizes by argument', async () => {
    const png = await stripes();
    await expect(preprocessImage(png, { width: 2, height: 2, policy: 'stretch' as never })).rejects.toMatchObject({
      code: 'E_ARGS',
      message: 'image: unknown size policy "stretch". Should be one of: resize, crop, refuse',
    });
    await expect(preprocessImage(png, { width: 2 })).rejects.toMatchObject({ code: 'E_ARGS' });
    await expect(preprocessImage(png, { width: 0, height: 2 })).rejects.toMatchObject({
      message: "image: 'width' 0 is not a positive integer",
    });
  });
});

describe('preprocessImage: bad input', () => {
  const expectImageError = async (p: Promise<unknown>, code: string, message: RegExp): Promise<void> => {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(GcError);
    expect(e).toMatchObject({ code, message: expect.stringMatching(message) });
  };

  it('refuses an empty body', async () => {
    await expectImageError(preprocessImage(Buffer.alloc(0)), 'E_IMAGE', /^image: the body is empty$/);
  });

  it('refuses bytes that are no image', async () => {
    await expectImageError(preprocessImage(Buffer.from('{"not": "an image"}')), 'E_IMAGE', /^image: cannot decode \(.*unsupported image format/);
  });

  it.each(['png', 'jpeg'] as const)('refuses a truncated %s', async (format) => {
    const px = Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 37) % 256);
    const full = await encode(px, 64, 64, 3, format);
    await expectImageError(preprocessImage(full.subarray(0, full.length >> 1)), 'E_IMAGE', new RegExp(`^image: cannot decode`));
  });

  it('refuses formats other than PNG, JPEG and WebP by listing them', async () => {
    const gif = await sharp(Buffer.alloc(12, 9), { raw: { width: 2, height: 2, channels: 3 } }).gif().toBuffer();
    await expectImageError(preprocessImage(gif), 'E_IMAGE', /^image: unsupported format "gif". Should be one of: png, jpeg, webp$/);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>');
    await expectImageError(preprocessImage(svg), 'E_IMAGE', /unsupported format "svg"/);
  });

  it('refuses an image over the pixel limit from its header, with its own code', async () => {
    const png = await encode(Array.from({ length: 20 * 20 * 3 }, () => 0), 20, 20, 3);
    await expectImageError(preprocessImage(png, { maxPixels: 399 }), 'E_IMAGE_TOO_LARGE', /^image: 20x20 is 400 pixels, over the limit of 399$/);
    expect((await preprocessImage(png, { maxPixels: 400 })).tensor.dims).toEqual([1, 3, 20, 20]);
  });
});
