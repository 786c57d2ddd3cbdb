/**
 * The part of a generated image that answers a request: a model with symbolic height/width gets
 * its input mirror-padded to a size it takes (serve/image-input.ts), and its output is cropped back
 * to the image's own region here (on the main thread or in the worker that made it).
 */
import type { FloatTensor } from '../session/types';

/** Where the image sits inside a padded input (and so inside the output to crop back). */
export interface Region {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** The `region` of a [N, C, H, W] tensor (the output of a padded input, cropped back to the image). */
export function cropTensor(t: FloatTensor, region: Region): FloatTensor {
  const [n = 1, c = 1, h = 1, w = 1] = t.dims;
  if (region.top === 0 && region.left === 0 && region.height === h && region.width === w) return t;
  const out = new Float32Array(n * c * region.height * region.width);
  for (let plane = 0; plane < n * c; plane++) {
    for (let y = 0; y < region.height; y++) {
      const from = plane * h * w + (region.top + y) * w + region.left;
      out.set(t.data.subarray(from, from + region.width), (plane * region.height + y) * region.width);
    }
  }
  return { data: out, dims: [n, c, region.height, region.width] };
}
