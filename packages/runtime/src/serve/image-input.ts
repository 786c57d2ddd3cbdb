/**
 * The generate route's photo pipeline (`photoInput`), and the padding that fits an image of any size
 * to a symbolic-size model (the answer is cropped back to the image): mirror-padding around the
 * centre, as the generators' own reflection pads do.
 */
import { describeSizeRule, fitUp, GcError } from '@gc-edge/core';
import { formatFromContentType } from '../image/accept';
import type { Region } from '../image/crop';
import { checkImageBytes } from '../image/sniff';
import type { FloatTensor } from '../session/types';
import type { ImageCodec } from './context';
import type { GenerateLimits, GenerateRequest, MadeInput } from './model-input';
import type { ImagePipeline } from './model-plan';

export { type Region, cropTensor } from '../image/crop';

/**
 * Pads a [N, C, h, w] tensor to [N, C, height, width] around the centre, mirroring the image at its
 * borders (as the generators' own reflection pads do); returns the padded tensor and where the image
 * is in it. Unchanged when it already has that size.
 */
export function padTensor(t: FloatTensor, height: number, width: number): { tensor: FloatTensor; region: Region } {
  const [n = 1, c = 1, h = 1, w = 1] = t.dims;
  const top = Math.floor((height - h) / 2);
  const left = Math.floor((width - w) / 2);
  const region: Region = { top, left, height: h, width: w };
  if (height === h && width === w) return { tensor: t, region };
  const out = new Float32Array(n * c * height * width);
  const rows = Int32Array.from({ length: height }, (_, y) => mirror(y - top, h));
  const cols = Int32Array.from({ length: width }, (_, x) => mirror(x - left, w));
  for (let plane = 0; plane < n * c; plane++) {
    const src = plane * h * w;
    const dst = plane * height * width;
    for (let y = 0; y < height; y++) {
      const from = src + rows[y]! * w;
      const to = dst + y * width;
      for (let x = 0; x < width; x++) out[to + x] = t.data[from + cols[x]!]!;
    }
  }
  return { tensor: { data: out, dims: [n, c, height, width] }, region };
}

/** Index i (any integer) reflected into [0, n) without repeating the edge: ... 2 1 | 0 1 2 | 1 0 ... */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/**
 * The generate route's photo pipeline: the body decoded to `[1, 3, h, w]` in [-1, 1] (resized,
 * cropped or refused to a fixed-size model's size per `--resize-policy`), and the size the model
 * runs it at: its own, or for a symbolic size the nearest one the size rule allows (mirror-padded
 * by the caller once the pixel cap has passed).
 */
export async function photoInput(
  images: ImageCodec,
  model: string,
  p: ImagePipeline,
  r: GenerateRequest,
  limits: GenerateLimits,
): Promise<MadeInput> {
  if (typeof r.query === 'object' && r.query !== null && 'dontcare' in r.query) {
    throw new GcError('E_BAD_REQUEST', `query 'dontcare' applies to label-map (GauGAN) models; model '${model}' takes an image`);
  }
  // The bytes must be what the Content-Type says before sharp (which also reads SVG, TIFF, GIF...) sees them.
  const declared = formatFromContentType(r.contentType);
  if (declared) checkImageBytes(r.body, declared);
  const image = await images.decode(r.body, { ...p.size, policy: limits.policy, maxPixels: limits.maxPixels });
  const [, , h = 1, w = 1] = image.tensor.dims;
  if (p.size) return { tensor: image.tensor, height: h, width: w, what: 'image' };
  const [height, width] = [fitUp(p.rule, h), fitUp(p.rule, w)];
  const what =
    height === h && width === w
      ? 'image'
      : `image (padded to ${width}x${height}, as the model's height and width must be ${describeSizeRule(p.rule)})`;
  return { tensor: image.tensor, height, width, what };
}
