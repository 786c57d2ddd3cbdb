/**
 * Interleaved 8-bit RGB <-> NCHW float32, the reference convention: in `x / 127.5 - 1`, out
 * `uint8((y + 1) / 2 * 255)` clipped to [0, 255] and truncated, computed in float32 as upstream's
 * NumPy does (so values on a truncation boundary land where the reference puts them).
 */
import { GcError } from '@gc-edge/core';
import type { FloatTensor } from '../session/types';
import type { RgbImage } from './types';

/** x / 127.5 - 1 for every byte value, rounded to float32 once. */
const TO_FLOAT = Float32Array.from({ length: 256 }, (_, x) => x / 127.5 - 1);
const f32 = Math.fround;

/** HWC uint8 RGB -> `[1, 3, H, W]` float32 in [-1, 1]. */
export function rgbToTensor(img: RgbImage): FloatTensor {
  const { data, width, height } = img;
  const n = width * height;
  if (data.length !== n * 3) {
    throw new GcError('E_IMAGE', `rgbToTensor: ${data.length} bytes for a ${width}x${height} RGB image (expected ${n * 3})`);
  }
  const out = new Float32Array(3 * n);
  const n2 = 2 * n;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i] = TO_FLOAT[data[j]!]!;
    out[n + i] = TO_FLOAT[data[j + 1]!]!;
    out[n2 + i] = TO_FLOAT[data[j + 2]!]!;
  }
  return { data: out, dims: [1, 3, height, width] };
}

/** One output value -> byte: float32 (y + 1) / 2 * 255, clipped, truncated; NaN -> 0. */
export function toByte(y: number): number {
  const v = f32(f32(f32(y + 1) / 2) * 255);
  return v >= 255 ? 255 : v > 0 ? v | 0 : 0;
}

/** `[1, 3, H, W]` (or `[3, H, W]`) float32 -> HWC uint8 RGB. */
export function tensorToRgb(t: FloatTensor, where = 'output'): RgbImage {
  const dims = t.dims;
  const ok = (dims.length === 4 && dims[0] === 1 && dims[1] === 3) || (dims.length === 3 && dims[0] === 3);
  if (!ok) {
    throw new GcError('E_IMAGE', `${where}: dims [${dims.join(', ')}] are not one RGB image; expected [1, 3, H, W]`);
  }
  const height = dims[dims.length - 2]!;
  const width = dims[dims.length - 1]!;
  const n = width * height;
  const src = t.data;
  if (src.length !== 3 * n) {
    throw new GcError('E_IMAGE', `${where}: ${src.length} values but dims [${dims.join(', ')}] need ${3 * n}`);
  }
  const out = new Uint8Array(3 * n);
  const n2 = 2 * n;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[j] = toByte(src[i]!);
    out[j + 1] = toByte(src[n + i]!);
    out[j + 2] = toByte(src[n2 + i]!);
  }
  return { data: out, width, height };
}
