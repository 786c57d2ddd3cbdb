/** The daemon's image codec: the runtime's sharp pipeline (../image), PNG at the given zlib level. */
import { GcError } from '@gc-edge/exporter';
import { encodeOutput } from '../image/postprocess';
import { preprocessImage } from '../image/preprocess';
import type { ImageCodec } from './context';

export function defaultImageCodec(pngCompressionLevel?: number): ImageCodec {
  return {
    decode: (bytes, options) => preprocessImage(bytes, options).catch((e: unknown) => Promise.reject(overLimit(e, options.maxPixels))),
    encode: (tensor, format) => encodeOutput(tensor, pngCompressionLevel === undefined ? { format } : { format, pngCompressionLevel }),
  };
}

/**
 * sharp's own `limitInputPixels` can fire while the header is read, and the pipeline then reports
 * E_IMAGE ("cannot decode (Input image exceeds pixel limit)"); the daemon owes 413 for it.
 */
function overLimit(e: unknown, maxPixels: number | undefined): unknown {
  if (e instanceof GcError && e.code === 'E_IMAGE' && /exceeds pixel limit/i.test(e.message)) {
    return new GcError('E_IMAGE_TOO_LARGE', `image: over the limit of ${maxPixels ?? 'the default'} pixels`, {
      hint: 'downscale the image before sending it',
      cause: e,
    });
  }
  return e;
}
