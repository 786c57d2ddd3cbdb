/**
 * Which input pipeline `POST /v1/models/{name}/generate` uses, chosen from what the model is:
 * - `label-map`: GauGAN (`architecture: mobile_spade` in the ONNX metadata) takes a label map PNG,
 *   made into one-hot + instance edges by ../label-map (label-map-input.ts);
 * - `image`: every other model takes a photo (PNG/JPEG/WebP) to a `[1, 3, H, W]` input through the
 *   image codec (image-input.ts, ../image). A fixed-size model gets the image resized / cropped /
 *   refused per `--resize-policy`; a symbolic-size model takes it at its own size, mirror-padded
 *   to the sizes the model can take (input-rules.ts) — the answer is cropped back to the image.
 * Every input is then held to the model's pixel cap (`--max-model-pixels`, 413) before inference.
 * Also the body checks every generate request gets first, and the `generate` entry of
 * `GET /v2/models/{name}` that tells a client which body the route wants.
 */
import { GcError } from '@gc-edge/core';
import { formatFromContentType } from '../image/accept';
import { IMAGE_MIME } from '../image/types';
import type { FloatTensor, ModelInfo } from '../session/types';
import type { ServeContext } from './context';
import { type Region, imageInputOf, padTensor } from './image-input';
import { type PixelCap, checkPixelCap, describeSizeRule, fitUp, pixelCapOf, sizeRuleOf } from './input-rules';
import {
  LABEL_MAP_MEDIA_TYPE,
  LABEL_MAP_QUERY,
  isLabelMapModel,
  labelMapModelOf,
  labelMapRequestOptions,
  labelMapTensor,
} from './label-map-input';

export type GenerateInputKind = 'image' | 'label-map';

/** What of the HTTP request the pipelines read. */
export interface GenerateRequest {
  /** Non-empty, with an image Content-Type (see {@link generateBody}). */
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly query: unknown;
}

/** The model input made from a request, and the part of the output that answers it. */
export interface PreparedInput {
  readonly tensor: FloatTensor;
  /** Set when the input was padded: crop the output to this region (the image's own size). */
  readonly crop?: Region;
}

export interface ModelInput {
  readonly kind: GenerateInputKind;
  /** The model's input and the output the route encodes. */
  readonly input: string;
  readonly output: string;
  /**
   * Body -> the input tensor, held to the model's pixel cap; client mistakes throw GcErrors with
   * 4xx codes (E_IMAGE_TOO_LARGE, 413, over the cap).
   */
  prepare(request: GenerateRequest): Promise<PreparedInput>;
}

const IMAGE_TYPES = Object.values(IMAGE_MIME);

/** The pipeline for `model`; E_BAD_REQUEST when the model takes neither an image nor a label map. */
export function modelInputOf(ctx: ServeContext, model: string, info: ModelInfo): ModelInput {
  const cap = pixelCapOf(info, ctx.options.maxModelPixels);
  if (isLabelMapModel(info)) {
    const m = labelMapModelOf(model, info);
    return {
      kind: 'label-map',
      input: m.input,
      output: m.output,
      async prepare(r) {
        requirePng(model, r.contentType);
        const options = labelMapRequestOptions(r.query);
        const tensor = await labelMapTensor(model, m, r.body, options, {
          policy: ctx.options.resizePolicy,
          maxPixels: ctx.options.maxPixels,
        });
        holdToCap(model, 'label map', tensor, cap);
        return { tensor };
      },
    };
  }
  const input = imageInputOf(model, info);
  return {
    kind: 'image',
    input: input.name,
    output: input.output,
    async prepare(r) {
      refuseLabelMapQuery(model, r.query);
      const size = input.height !== undefined && input.width !== undefined ? { width: input.width, height: input.height } : undefined;
      const image = await ctx.images.decode(r.body, { ...size, policy: ctx.options.resizePolicy, maxPixels: ctx.options.maxPixels });
      if (size) {
        holdToCap(model, 'image', image.tensor, cap);
        return { tensor: image.tensor };
      }
      // Symbolic height/width: mirror-pad to the nearest size the model takes, crop the answer back.
      const [, , h = 1, w = 1] = image.tensor.dims;
      const rule = sizeRuleOf(info);
      const [height, width] = [fitUp(rule, h), fitUp(rule, w)];
      const what =
        height === h && width === w
          ? 'image'
          : `image (padded to ${width}x${height}, as the model's height and width must be ${describeSizeRule(rule)})`;
      checkPixelCap(model, what, height, width, cap);
      const padded = padTensor(image.tensor, height, width);
      return height === h && width === w ? { tensor: padded.tensor } : { tensor: padded.tensor, crop: padded.region };
    },
  };
}

/** 413 when the model input made from the body is over the model's pixel cap. */
function holdToCap(model: string, what: string, tensor: FloatTensor, cap: PixelCap): void {
  const [, , h = 1, w = 1] = tensor.dims;
  checkPixelCap(model, what, h, w, cap);
}

/** The raw body of a generate request; E_MEDIA_TYPE for a non-image Content-Type, E_IMAGE when empty. */
export function generateBody(contentType: string | undefined, body: unknown): Buffer {
  if (formatFromContentType(contentType) === undefined) {
    const what = given(contentType);
    const why = what === undefined ? 'the request has no Content-Type' : `${what} is not an image type this route takes`;
    throw new GcError('E_MEDIA_TYPE', `${why}; send the image with one of ${IMAGE_TYPES.join(', ')}`, {
      hint: "with curl: --data-binary @photo.png -H 'Content-Type: image/png'",
    });
  }
  if (!Buffer.isBuffer(body) || body.length === 0) throw new GcError('E_IMAGE', 'request body is empty; send the encoded image');
  return body;
}

/** `generate` in GET /v2/models/{name}: which body the route takes, or null when it cannot serve the model. */
export function describeGenerateInput(model: string, info: ModelInfo, maxModelPixels?: number): Record<string, unknown> | null {
  const cap = pixelCapOf(info, maxModelPixels);
  const rule = sizeRuleOf(info);
  try {
    if (isLabelMapModel(info)) {
      const m = labelMapModelOf(model, info);
      return {
        takes: 'label-map',
        contentTypes: [LABEL_MAP_MEDIA_TYPE],
        width: m.width ?? null,
        height: m.height ?? null,
        semanticChannels: m.semanticChannels,
        labelClasses: m.semanticChannels - 1,
        palette: 'cityscapes',
        query: [...LABEL_MAP_QUERY],
        sizes: m.width === undefined ? `any whose width and height are multiples of ${m.grid}` : `${m.width}x${m.height}`,
        maxPixels: cap.maxPixels,
      };
    }
    const input = imageInputOf(model, info);
    const sizes =
      input.width !== undefined && input.height !== undefined
        ? `${input.width}x${input.height} (others are resized, cropped or refused per --resize-policy)`
        : `any: mirror-padded to ${describeSizeRule(rule)}, the answer cropped back to the image's size`;
    return {
      takes: 'image',
      contentTypes: IMAGE_TYPES,
      width: input.width ?? null,
      height: input.height ?? null,
      sizes,
      maxPixels: cap.maxPixels,
    };
  } catch (e) {
    if (e instanceof GcError) return null;
    throw e;
  }
}

/** `Content-Type 'text/plain'`, or undefined when the request has none. */
function given(contentType: string | undefined): string | undefined {
  const type = (contentType ?? '').split(';', 1)[0]!.trim();
  return type === '' ? undefined : `Content-Type '${type.slice(0, 80)}'`;
}

function requirePng(model: string, contentType: string | undefined): void {
  if (formatFromContentType(contentType) === 'png') return;
  const what = given(contentType);
  const why = what === undefined ? 'the request has no Content-Type' : `${what} is not one`;
  throw new GcError('E_MEDIA_TYPE', `model '${model}' takes a label map: ${why}; send ${LABEL_MAP_MEDIA_TYPE}`, {
    hint: 'label maps must be lossless PNG (8-bit class ids, or RGB in the Cityscapes palette): JPEG/WebP change the ids at region borders',
  });
}

function refuseLabelMapQuery(model: string, query: unknown): void {
  if (typeof query === 'object' && query !== null && 'dontcare' in query) {
    throw new GcError('E_BAD_REQUEST', `query 'dontcare' applies to label-map (GauGAN) models; model '${model}' takes an image`);
  }
}
