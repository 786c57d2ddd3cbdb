/**
 * What the generate route needs from a model: one float32 NCHW input with 3 channels (height and
 * width fixed, or symbolic = take the image's own size) and the output to encode; and the padding
 * that fits an image of any size to a symbolic-size model (the answer is cropped back).
 */
import { GcError } from '@gc-edge/core';
import type { Region } from '../image/crop';
import type { FloatTensor, ModelInfo } from '../session/types';

export { type Region, cropTensor } from '../image/crop';

interface ImageInput {
  readonly name: string;
  /** Fixed input size, or undefined when the model takes any size. */
  readonly height: number | undefined;
  readonly width: number | undefined;
  /** The output to encode (the first one). */
  readonly output: string;
}

export function imageInputOf(model: string, info: ModelInfo): ImageInput {
  const input = info.inputs[0];
  const output = info.outputs[0];
  const fixed = (d: number | string | undefined): number | undefined => (typeof d === 'number' && d > 0 ? d : undefined);
  if (!input || !output || info.inputs.length !== 1 || input.shape.length !== 4 || fixed(input.shape[1]) !== 3) {
    const shapes = info.inputs.map((t) => `'${t.name}' [${t.shape.join(',')}]`).join(', ');
    throw new GcError('E_BAD_REQUEST', `model '${model}' does not take one image: its inputs are ${shapes}, generate needs one [N,3,H,W]`, {
      hint: `send tensors to /v2/models/${model}/infer instead`,
    });
  }
  const batch = fixed(input.shape[0]);
  if (batch !== undefined && batch !== 1) {
    throw new GcError('E_BAD_REQUEST', `model '${model}' takes batches of ${batch}; generate sends one image`, {
      hint: `send tensors to /v2/models/${model}/infer instead`,
    });
  }
  return { name: input.name, height: fixed(input.shape[2]), width: fixed(input.shape[3]), output: output.name };
}

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
