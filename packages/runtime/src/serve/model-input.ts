/**
 * Which input pipeline `POST /v1/models/{name}/generate` uses, chosen from what the model is:
 * - `label-map`: GauGAN (`architecture: mobile_spade` in the ONNX metadata) takes a label map PNG,
 *   made into one-hot + instance edges by ../label-map (label-map-input.ts);
 * - `image`: every other model takes a photo (PNG/JPEG/WebP) to a `[1, 3, H, W]` input through the
 *   image codec (image-input.ts, ../image).
 * Also the body checks every generate request gets first, and the `generate` entry of
 * `GET /v2/models/{name}` that tells a client which body the route wants.
 */
import { GcError } from '@gc-edge/exporter';
import { formatFromContentType } from '../image/accept';
import { IMAGE_MIME } from '../image/types';
import type { FloatTensor, ModelInfo } from '../session/types';
import type { ServeContext } from './context';
import { imageInputOf } from './image-input';
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

export interface ModelInput {
  readonly kind: GenerateInputKind;
  /** The model's input and the output the route encodes. */
  readonly input: string;
  readonly output: string;
  /** Body -> the input tensor; client mistakes throw GcErrors with 4xx codes. */
  prepare(request: GenerateRequest): Promise<FloatTensor>;
}

const IMAGE_TYPES = Object.values(IMAGE_MIME);

/** The pipeline for `model`; E_BAD_REQUEST when the model takes neither an image nor a label map. */
export function modelInputOf(ctx: ServeContext, model: string, info: ModelInfo): ModelInput {
  if (isLabelMapModel(info)) {
    const m = labelMapModelOf(model, info);
    return {
      kind: 'label-map',
      input: m.input,
      output: m.output,
      async prepare(r) {
        requirePng(model, r.contentType);
        const options = labelMapRequestOptions(r.query);
        return labelMapTensor(model, m, r.body, options, { policy: ctx.options.resizePolicy, maxPixels: ctx.options.maxPixels });
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
      const size = input.height !== undefined && input.width !== undefined ? { width: input.width, height: input.height } : {};
      const image = await ctx.images.decode(r.body, { ...size, policy: ctx.options.resizePolicy, maxPixels: ctx.options.maxPixels });
      return image.tensor;
    },
  };
}

/** The raw body of a generate request; E_MEDIA_TYPE for a non-image Content-Type, E_IMAGE when empty. */
export function generateBody(contentType: string | undefined, body: unknown): Buffer {
  if (formatFromContentType(contentType) === undefined) {
    throw new GcError('E_MEDIA_TYPE', `${given(contentType)} is not an image this route takes; send one of ${IMAGE_TYPES.join(', ')}`);
  }
  if (!Buffer.isBuffer(body) || body.length === 0) throw new GcError('E_IMAGE', 'request body is empty; send the encoded image');
  return body;
}

/** `generate` in GET /v2/models/{name}: which body the route takes, or null when it cannot serve the model. */
export function describeGenerateInput(model: string, info: ModelInfo): Record<string, unknown> | null {
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
      };
    }
    const input = imageInputOf(model, info);
    return { takes: 'image', contentTypes: IMAGE_TYPES, width: input.width ?? null, height: input.height ?? null };
  } catch (e) {
    if (e instanceof GcError) return null;
    throw e;
  }
}

function given(contentType: string | undefined): string {
  const type = (contentType ?? '').split(';', 1)[0]!.trim();
  return type === '' ? 'no Content-Type' : `Content-Type '${type.slice(0, 80)}'`;
}

function requirePng(model: string, contentType: string | undefined): void {
  if (formatFromContentType(contentType) === 'png') return;
  throw new GcError('E_MEDIA_TYPE', `model '${model}' takes a label map: ${given(contentType)} is not one; send ${LABEL_MAP_MEDIA_TYPE}`, {
    hint: 'label maps must be lossless PNG (8-bit class ids, or RGB in the Cityscapes palette): JPEG/WebP change the ids at region borders',
  });
}

function refuseLabelMapQuery(model: string, query: unknown): void {
  if (typeof query === 'object' && query !== null && 'dontcare' in query) {
    throw new GcError('E_BAD_REQUEST', `query 'dontcare' applies to label-map (GauGAN) models; model '${model}' takes an image`);
  }
}
