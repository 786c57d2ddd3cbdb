/**
 * Encoded PNG/JPEG/WebP -> `[1, 3, H, W]` float32 in [-1, 1]: header checks first (format, pixel
 * limit, size policy; a plain PNG's header is read in JS, png-header.ts, anything else by sharp),
 * then one sharp pipeline (EXIF orientation, alpha dropped, sRGB 3 channels, resize/crop) to raw
 * RGB bytes, then the NCHW conversion. Decisions are documented in `types.ts`.
 */
import sharp from 'sharp';
import { GcError } from '@gc-edge/core';
import { readPngHeader } from './png-header';
import { rgbToTensor } from './tensor';
import type { ImageFormat, PreprocessOptions, PreprocessedImage, SizePolicy, SourceImageInfo } from './types';

/** Default pixel limit: 40 megapixels (a 20 MiB PNG can hold far more). */
export const DEFAULT_MAX_PIXELS = 40_000_000;

const ACCEPTED: readonly ImageFormat[] = ['png', 'jpeg', 'webp'];
const POLICIES: readonly SizePolicy[] = ['resize', 'crop', 'refuse'];

/** sharp's first message line, without the libvips loader prefix noise kept. */
function why(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n')[0] ?? msg).trim();
}

function checkTarget(options: PreprocessOptions): { width?: number; height?: number; policy: SizePolicy } {
  const policy = options.policy ?? 'resize';
  if (!POLICIES.includes(policy)) {
    throw new GcError('E_ARGS', `image: unknown size policy "${String(policy)}". Should be one of: ${POLICIES.join(', ')}`);
  }
  const { width, height } = options;
  if ((width === undefined) !== (height === undefined)) {
    throw new GcError('E_ARGS', `image: give both width and height or neither (got width ${width}, height ${height})`);
  }
  for (const [k, v] of [['width', width], ['height', height]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
      throw new GcError('E_ARGS', `image: '${k}' ${String(v)} is not a positive integer`);
    }
  }
  return width === undefined || height === undefined ? { policy } : { width, height, policy };
}

/** The header facts preprocessing needs, from png-header.ts or sharp. */
interface HeaderFacts {
  readonly format: string | undefined;
  readonly width: number;
  readonly height: number;
  readonly orientation: number;
  readonly channels: number;
  readonly hasAlpha: boolean;
}

/** A PNG without EXIF, from its chunk headers (no sharp call); undefined for anything else. */
function plainPngFacts(input: Uint8Array): HeaderFacts | undefined {
  const png = readPngHeader(input);
  return png && { format: 'png', orientation: 1, ...png };
}

/** sharp's header read (no decode); E_IMAGE when it cannot make out a format. */
async function sharpMetadata(input: Uint8Array): Promise<HeaderFacts> {
  let meta: sharp.Metadata;
  try {
    // Reads the header only; the pixel limit is checked by the caller, with the image's size in the message.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new GcError('E_IMAGE', `image: cannot decode (${why(e)})`, { hint: 'send PNG, JPEG or WebP bytes', cause: e });
  }
  return {
    format: meta.format,
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    orientation: meta.orientation ?? 1,
    channels: meta.channels ?? 0,
    hasAlpha: meta.hasAlpha ?? false,
  };
}

/**
 * Decodes `input` and converts it to the model's input tensor. Throws `E_IMAGE` for an empty,
 * undecodable, truncated or unsupported image and for a size mismatch under `refuse`;
 * `E_IMAGE_TOO_LARGE` over `maxPixels`.
 */
export async function preprocessImage(input: Uint8Array, options: PreprocessOptions = {}): Promise<PreprocessedImage> {
  const target = checkTarget(options);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(input instanceof Uint8Array) || input.length === 0) {
    throw new GcError('E_IMAGE', 'image: the body is empty', { hint: 'send PNG, JPEG or WebP bytes' });
  }
  const meta = plainPngFacts(input) ?? (await sharpMetadata(input));
  const format = meta.format;
  if (!format || !ACCEPTED.includes(format as ImageFormat)) {
    throw new GcError('E_IMAGE', `image: unsupported format "${format ?? 'unknown'}". Should be one of: ${ACCEPTED.join(', ')}`);
  }
  const { width, height } = meta;
  if (width * height > maxPixels) {
    throw new GcError('E_IMAGE_TOO_LARGE', `image: ${width}x${height} is ${width * height} pixels, over the limit of ${maxPixels}`, {
      hint: 'downscale the image before sending it',
    });
  }
  const orientation = meta.orientation;
  const swap = orientation >= 5 && orientation <= 8;
  const upright = swap ? { width: height, height: width } : { width, height };
  const source: SourceImageInfo = {
    format: format as ImageFormat,
    width,
    height,
    orientation,
    channels: meta.channels,
    hasAlpha: meta.hasAlpha,
  };

  // sharp's own limit is a backstop for what the header check cannot see.
  let pipeline = sharp(input, { limitInputPixels: maxPixels, failOn: 'warning' }).rotate().removeAlpha().toColourspace('srgb');
  if (target.width !== undefined && (upright.width !== target.width || upright.height !== target.height)) {
    if (target.policy === 'refuse') {
      throw new GcError(
        'E_IMAGE',
        `image: ${upright.width}x${upright.height} (after EXIF orientation) but the model takes ${target.width}x${target.height}`,
        { hint: 'send an image of the model input size, or use the resize or crop policy' },
      );
    }
    pipeline = pipeline.resize(target.width, target.height, {
      fit: target.policy === 'crop' ? 'cover' : 'fill',
      position: 'centre',
      kernel: 'cubic',
    });
  }
  let raw: { data: Buffer; info: sharp.OutputInfo };
  try {
    raw = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    if (/exceeds pixel limit/i.test(why(e))) {
      throw new GcError('E_IMAGE_TOO_LARGE', `image: over the limit of ${maxPixels} pixels (${why(e)})`, { cause: e });
    }
    throw new GcError('E_IMAGE', `image: cannot decode the ${format} data (${why(e)})`, {
      hint: 'the file may be truncated or corrupt',
      cause: e,
    });
  }
  const { info, data } = raw;
  if (info.channels !== 3) {
    throw new GcError('E_IMAGE', `image: decoded to ${info.channels} channels, expected 3 (RGB)`);
  }
  const tensor = rgbToTensor({ data, width: info.width, height: info.height });
  return { tensor, source };
}
