/**
 * PNG writer for the daemon's answers: 8-bit RGB, no interlace, filter "None" on every row (what
 * sharp writes by default, `adaptiveFiltering: false`), the rows deflated by node:zlib at the
 * asked level and framed as IHDR + IDAT + IEND with their CRCs (zlib.crc32).
 *
 * Why not sharp here: every sharp call pays a fixed ~0.85 ms (options marshalled on the calling
 * thread, a libuv thread hop there and back), more than the work itself for a 256x256 answer, and
 * it cannot run synchronously where the answer is made (the worker, ../worker/answer.ts). Tensor to
 * PNG takes 0.50x the time of tensor to bytes + sharp's PNG at level 0 (1.27 vs 2.55 ms, 256x256;
 * `node scripts/bench-image-codec.js`). Its output decodes to exactly the input pixels (tested
 * against sharp's decoder); sharp still writes JPEG and WebP.
 */
import { crc32, deflateSync } from 'node:zlib';
import { GcError } from '@gc-edge/core';
import { PNG_SIGNATURE } from './png-chunks';
import type { RgbImage } from './types';

const SIGNATURE = Buffer.from(PNG_SIGNATURE);
/** Chunk = length (4) + type (4) + data + CRC (4). */
const CHUNK_FRAME = 12;
/** PNG's largest dimension (2^31 - 1). */
const MAX_SIDE = 0x7fffffff;

/** Encodes interleaved 8-bit RGB as PNG with zlib `level` (0 = stored .. 9). */
export function encodePng(img: RgbImage, level: number): Buffer {
  const { data, width, height } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new GcError('E_IMAGE', `PNG writer: ${width}x${height} is not a size PNG can hold`);
  }
  const row = width * 3;
  if (data.length !== row * height) {
    throw new GcError('E_IMAGE', `PNG writer: ${data.length} bytes for a ${width}x${height} RGB image (expected ${row * height})`);
  }
  // Each scanline is its filter byte (0, None) followed by the row as stored.
  const lines = Buffer.allocUnsafe((row + 1) * height);
  for (let y = 0, from = 0, to = 0; y < height; y++, from += row, to += row + 1) {
    lines[to] = 0;
    lines.set(data.subarray(from, from + row), to + 1);
  }
  const idat = deflateSync(lines, { level });

  const out = Buffer.allocUnsafe(SIGNATURE.length + 3 * CHUNK_FRAME + 13 + idat.length);
  SIGNATURE.copy(out, 0);
  let at = SIGNATURE.length;
  at = chunk(out, at, 'IHDR', 13, (o) => {
    out.writeUInt32BE(width, o);
    out.writeUInt32BE(height, o + 4);
    out[o + 8] = 8; // bit depth
    out[o + 9] = 2; // colour type: RGB
    out[o + 10] = 0; // compression: deflate
    out[o + 11] = 0; // filter method 0
    out[o + 12] = 0; // no interlace
  });
  at = chunk(out, at, 'IDAT', idat.length, (o) => idat.copy(out, o));
  chunk(out, at, 'IEND', 0, () => undefined);
  return out;
}

/** Writes one chunk at `at` (its data by `fill`), returns where the next one starts. */
function chunk(out: Buffer, at: number, type: string, length: number, fill: (dataAt: number) => void): number {
  out.writeUInt32BE(length, at);
  out.write(type, at + 4, 'latin1');
  fill(at + 8);
  out.writeUInt32BE(crc32(out.subarray(at + 4, at + 8 + length)), at + 8 + length);
  return at + CHUNK_FRAME + length;
}
