/** The daemon's image codec: the runtime's sharp pipeline (../image), PNG at the given zlib level. */
import { encodeRgb } from '../image/postprocess';
import { preprocessImage } from '../image/preprocess';
import type { ImageCodec } from './context';

export function defaultImageCodec(pngCompressionLevel?: number): ImageCodec {
  return {
    decode: (bytes, options) => preprocessImage(bytes, options),
    encodeRgb: (rgb, format) => encodeRgb(rgb, pngCompressionLevel === undefined ? { format } : { format, pngCompressionLevel }),
  };
}
