/**
 * Public surface of the image pipeline (sharp): encoded image in -> NCHW float32 in [-1, 1] out,
 * and generator output -> encoded image. The reference convention (upstream GAN Compression,
 * `test/fixtures/gan-compression/images`): RGB uint8 -> x/127.5 - 1 -> model ->
 * uint8((y + 1) / 2 * 255), clipped to [0, 255] and truncated.
 *
 * Decisions, matching upstream's PIL loader (`Image.open(p).convert('RGB')`):
 * - EXIF orientation is applied first (a phone photo is upright, as a viewer shows it).
 * - Alpha is DROPPED, not composited: the colour channels are used as stored, like PIL's
 *   RGBA -> RGB conversion. (Flattening onto a background would change the pixels upstream sees.)
 * - Grayscale (with or without alpha) becomes 3 equal channels; 16-bit images become 8-bit.
 * Implementation: `preprocess.ts`, `postprocess.ts`, `accept.ts`.
 */
import type { FloatTensor } from '../session/types';

/** Encoded formats accepted on input and produced on output. */
export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** MIME type of each {@link ImageFormat}. */
export const IMAGE_MIME: Readonly<Record<ImageFormat, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/**
 * What to do when the (oriented) image is not the model's input size:
 * - `resize`: scale to exactly width x height, aspect ratio not kept (upstream `resize_and_crop`
 *   with load size = crop size), bicubic;
 * - `crop`: scale (bicubic) so the image covers width x height, keep the aspect ratio, centre-crop;
 * - `refuse`: throw `E_IMAGE` naming both sizes.
 */
export type SizePolicy = 'resize' | 'crop' | 'refuse';

export interface PreprocessOptions {
  /** Model input width; omit (with `height`) to keep the image's own size (dynamic-size models). */
  readonly width?: number;
  readonly height?: number;
  /** Default `resize`. */
  readonly policy?: SizePolicy;
  /**
   * Refuse images with more than this many pixels (width x height, read from the header before
   * decoding) with `E_IMAGE_TOO_LARGE` (the daemon answers 413). Default 40 megapixels.
   */
  readonly maxPixels?: number;
}

/** What came in, for logs and responses. */
export interface SourceImageInfo {
  readonly format: ImageFormat;
  /** Size as stored, before EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** EXIF orientation tag 1..8 (1 when absent). */
  readonly orientation: number;
  readonly channels: number;
  readonly hasAlpha: boolean;
}

export interface PreprocessedImage {
  /** dims `[1, 3, height, width]`, values x/127.5 - 1. */
  readonly tensor: FloatTensor;
  readonly source: SourceImageInfo;
}

export interface EncodeOptions {
  /** Default `png`. */
  readonly format?: ImageFormat;
  /** JPEG/WebP quality 1..100; default 90. */
  readonly quality?: number;
  /** PNG zlib level 0..9; default DEFAULT_PNG_LEVEL (0, stored: see postprocess.ts for why). */
  readonly pngCompressionLevel?: number;
}

export interface EncodedImage {
  readonly data: Buffer;
  readonly format: ImageFormat;
  /** `image/png` etc., for Content-Type. */
  readonly mime: string;
  readonly width: number;
  readonly height: number;
}

/** Interleaved 8-bit RGB pixels (HWC), what sits between the tensor and the encoder. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}
