/**
 * Generator output -> encoded image: NCHW float32 -> uint8 RGB (reference convention, `tensor.ts`)
 * -> PNG (default; `png-encode.ts`), JPEG or WebP (sharp).
 */
import sharp from 'sharp';
import { GcError } from '@gc-edge/core';
import type { FloatTensor } from '../session/types';
import { encodePng } from './png-encode';
import { tensorToRgb } from './tensor';
import { IMAGE_MIME, type EncodeOptions, type EncodedImage, type ImageFormat, type RgbImage } from './types';

const FORMATS: readonly ImageFormat[] = ['png', 'jpeg', 'webp'];

function checkRange(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new GcError('E_ARGS', `image encoder: '${name}' ${v} is out of range [${lo}, ${hi}]`);
  }
  return v;
}

/**
 * PNG zlib level of answers. 0 (stored) by default: a GAN's photographic output barely deflates — on
 * the upstream zebra output (256x256) level 0 is 197 KB in 1.4 ms, level 1 204 KB in 3.8 ms, level 6
 * 171 KB in 7.2 ms (measured with sharp 0.34 on a 2-core machine; the same zlib does the work in
 * png-encode.ts). Ask for JPEG (Accept) when bytes matter.
 */
const DEFAULT_PNG_LEVEL = 0;

/** Encodes interleaved RGB bytes. */
export async function encodeRgb(img: RgbImage, options: EncodeOptions = {}): Promise<EncodedImage> {
  const format = options.format ?? 'png';
  if (!FORMATS.includes(format)) {
    throw new GcError('E_ARGS', `image encoder: unknown format "${String(format)}". Should be one of: ${FORMATS.join(', ')}`);
  }
  const quality = checkRange('quality', options.quality ?? 90, 1, 100);
  const level = checkRange('pngCompressionLevel', options.pngCompressionLevel ?? DEFAULT_PNG_LEVEL, 0, 9);
  if (format === 'png') {
    return { data: encodePng(img, level), format, mime: IMAGE_MIME[format], width: img.width, height: img.height };
  }
  const s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
  const data = await (format === 'jpeg' ? s.jpeg({ quality }) : s.webp({ quality })).toBuffer();
  return { data, format, mime: IMAGE_MIME[format], width: img.width, height: img.height };
}

/** Converts a `[1, 3, H, W]` output in [-1, 1] to bytes and encodes it. */
export async function encodeOutput(tensor: FloatTensor, options: EncodeOptions = {}): Promise<EncodedImage> {
  return encodeRgb(tensorToRgb(tensor), options);
}
