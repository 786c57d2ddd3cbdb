/**
 * Answers made in the worker: the generated image of each request of a run, cropped, converted to
 * bytes (reference convention, image/tensor.ts) and PNG-encoded right where the output is, so the
 * main thread receives ~200 KB of PNG instead of ~800 KB of floats for a 256x256 answer and spends
 * no time on it (its event loop serves the other connections; scripts/bench-serve.js). Pure: the
 * worker thread calls it after `session.run`, tests call it directly.
 */
import { GcError } from '@gc-edge/core';
import { type Region, cropTensor } from '../image/crop';
import { encodePng } from '../image/png-encode';
import { tensorToRgb } from '../image/tensor';
import type { FloatTensor, TensorMap } from '../session/types';
import { type WireError, toWire } from './wire-error';

/** What to make of one request's share of the output. */
export interface AnswerSpec {
  /** The output holding the image: `[1, 3, H, W]` for this request, values in [-1, 1]. */
  readonly output: string;
  /**
   * The image's region in a mirror-padded input: the output is cropped to it when its height and
   * width are the padded input's (`from`), as a size-preserving generator's are.
   */
  readonly crop?: { readonly region: Region; readonly from: readonly [number, number] };
  /** Encode as PNG at this zlib level (0..9); absent: the RGB bytes (the caller encodes JPEG/WebP). */
  readonly pngLevel?: number;
}

/** The answers asked of one run: each request's batch rows and its spec (none: floats only). */
export interface AnswerRequest {
  readonly sizes: readonly number[];
  readonly specs: readonly (AnswerSpec | undefined)[];
}

export type Answer =
  | {
      readonly kind: 'png' | 'rgb';
      /** PNG file bytes, or interleaved RGB (HWC). */
      readonly data: Uint8Array;
      readonly width: number;
      readonly height: number;
      /** Time spent making it in the worker, ms. */
      readonly ms: number;
    }
  | { readonly kind: 'error'; readonly error: WireError };

/** One answer per request (undefined where none was asked); a request's failure is its own. */
export function makeAnswers(outputs: TensorMap, request: AnswerRequest): (Answer | undefined)[] {
  let row = 0;
  return request.specs.map((spec, i) => {
    const rows = request.sizes[i] ?? 1;
    const first = row;
    row += rows;
    if (!spec) return undefined;
    const t0 = performance.now();
    try {
      const out = outputs[spec.output];
      if (!out) throw new GcError('E_INTERNAL', `the model returned no output '${spec.output}'`);
      let image = rowsOf(out, first, rows);
      const crop = spec.crop;
      if (crop && image.dims[2] === crop.from[0] && image.dims[3] === crop.from[1]) image = cropTensor(image, crop.region);
      const rgb = tensorToRgb(image);
      const data = spec.pngLevel === undefined ? rgb.data : encodePng(rgb, spec.pngLevel);
      const kind = spec.pngLevel === undefined ? 'rgb' : 'png';
      return { kind, data, width: rgb.width, height: rgb.height, ms: performance.now() - t0 };
    } catch (e) {
      return { kind: 'error', error: toWire(e) };
    }
  });
}

/** True when every request had an answer made: the float outputs need not travel back. */
export function allAnswered(request: AnswerRequest | undefined): boolean {
  return request !== undefined && request.specs.every((s) => s !== undefined);
}

/** Rows [first, first + rows) of a batched [N, ...] tensor, as a view (no copy). */
function rowsOf(t: FloatTensor, first: number, rows: number): FloatTensor {
  const total = t.dims[0] ?? 1;
  if (first === 0 && rows === total) return t;
  const per = total === 0 ? 0 : t.data.length / total;
  return { data: t.data.subarray(first * per, (first + rows) * per), dims: [rows, ...t.dims.slice(1)] };
}
