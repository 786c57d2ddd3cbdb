/**
 * A `POST /v1/models/{name}/generate` body -> the model input, in one pass over the model's plan
 * (model-plan.ts, decided once per loaded model from its contract):
 * 1. the pipeline the plan chose: `label-map` (label-map-input.ts, over ../label-map) for a model
 *    whose contract says its input is a label map; `image` (image-input.ts, over ../image) for a
 *    photo input, or any one [N,3,H,W] input of a model without a contract; or the plan's reason
 *    generate cannot feed the model (400, send tensors to infer);
 * 2. the size the model runs it at: a fixed-size model's own (the image resized / cropped / refused
 *    per `--resize-policy`), or for a symbolic size the image's own, mirror-padded up to the size
 *    rule (the answer is cropped back to the image); label maps must fit the rule as they are;
 * 3. the model's pixel cap (the plan's, 413), before the padded tensor is made.
 * Also the body checks every generate request gets first, and the `generate` entry of
 * `GET /v2/models/{name}` that tells a client which body the route wants.
 */
import { describeSizeRule, GcError } from '@gc-edge/core';
import { formatFromContentType } from '../image/accept';
import { IMAGE_MIME, type SizePolicy } from '../image/types';
import type { FloatTensor } from '../session/types';
import type { ServeContext } from './context';
import { type Region, padTensor, photoInput } from './image-input';
import { checkPixelCap } from './input-rules';
import { LABEL_MAP_MEDIA_TYPE, LABEL_MAP_QUERY, labelClassesOf, labelMapInput } from './label-map-input';
import type { ModelPlan } from './model-plan';

/** What of the HTTP request the pipelines read. */
export interface GenerateRequest {
  /** Non-empty, with an image Content-Type (see {@link generateBody}). */
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly query: unknown;
}

/** The daemon's limits on what a body may decode to (--resize-policy, --max-pixels). */
export interface GenerateLimits {
  readonly policy: SizePolicy;
  readonly maxPixels: number;
}

/** A pipeline's result: the decoded input, the height and width the model runs it at, and what to call it in errors. */
export interface MadeInput {
  readonly tensor: FloatTensor;
  readonly height: number;
  readonly width: number;
  readonly what: string;
}

/** The model input made from a request, and the part of the output that answers it. */
export interface PreparedInput {
  /** The model's input and the output the route encodes. */
  readonly input: string;
  readonly output: string;
  readonly tensor: FloatTensor;
  /** Set when the input was padded: crop the output to this region (the image's own size). */
  readonly crop?: Region;
}

const IMAGE_TYPES = Object.values(IMAGE_MIME);

/**
 * The request's body -> the input tensor, held to the model's pixel cap. Client mistakes throw
 * GcErrors with 4xx codes (E_BAD_REQUEST when generate cannot feed the model, E_IMAGE_TOO_LARGE
 * over the cap, E_IMAGE / E_LABEL_MAP / E_MEDIA_TYPE for the body).
 */
export async function prepareGenerate(ctx: ServeContext, model: string, plan: ModelPlan, request: GenerateRequest): Promise<PreparedInput> {
  const p = plan.generate;
  if (p.kind === 'none') {
    throw new GcError('E_BAD_REQUEST', `model '${model}' ${p.why}`, { hint: `send tensors to /v2/models/${model}/infer instead` });
  }
  const limits: GenerateLimits = { policy: ctx.options.resizePolicy, maxPixels: ctx.options.maxPixels };
  const made =
    p.kind === 'label-map' ? await labelMapInput(model, p, request, limits) : await photoInput(ctx.images, model, p, request, limits);
  checkPixelCap(model, made.what, made.height, made.width, plan.cap);
  const [, , h, w] = made.tensor.dims;
  if (made.height === h && made.width === w) return { input: p.input, output: p.output, tensor: made.tensor };
  const padded = padTensor(made.tensor, made.height, made.width);
  return { input: p.input, output: p.output, tensor: padded.tensor, crop: padded.region };
}

/** The raw body of a generate request; E_MEDIA_TYPE for a non-image Content-Type, E_IMAGE when empty. */
export function generateBody(contentType: string | undefined, body: unknown): Buffer {
  if (formatFromContentType(contentType) === undefined) {
    const type = (contentType ?? '').split(';', 1)[0]!.trim();
    const why =
      type === '' ? 'the request has no Content-Type' : `Content-Type '${type.slice(0, 80)}' is not an image type this route takes`;
    throw new GcError('E_MEDIA_TYPE', `${why}; send the image with one of ${IMAGE_TYPES.join(', ')}`, {
      hint: "with curl: --data-binary @photo.png -H 'Content-Type: image/png'",
    });
  }
  if (!Buffer.isBuffer(body) || body.length === 0) throw new GcError('E_IMAGE', 'request body is empty; send the encoded image');
  return body;
}

/** `generate` in GET /v2/models/{name}: which body the route takes, or null when it cannot serve the model. */
export function describeGenerateInput(plan: ModelPlan): Record<string, unknown> | null {
  const p = plan.generate;
  const maxPixels = plan.cap.maxPixels;
  const width = p.kind === 'none' ? null : (p.size?.width ?? null);
  const height = p.kind === 'none' ? null : (p.size?.height ?? null);
  switch (p.kind) {
    case 'none':
      return null;
    case 'label-map':
      return {
        takes: 'label-map',
        contentTypes: [LABEL_MAP_MEDIA_TYPE],
        width,
        height,
        semanticChannels: p.semanticChannels,
        labelClasses: labelClassesOf(p),
        instanceEdge: p.instanceEdge,
        palette: 'cityscapes',
        query: [...LABEL_MAP_QUERY],
        sizes: p.size ? `${p.size.width}x${p.size.height}` : `any whose width and height are ${describeSizeRule(p.rule)}`,
        maxPixels,
      };
    case 'image':
      return {
        takes: 'image',
        contentTypes: IMAGE_TYPES,
        width,
        height,
        sizes: p.size
          ? `${p.size.width}x${p.size.height} (others are resized, cropped or refused per --resize-policy)`
          : `any: mirror-padded to ${describeSizeRule(p.rule)}, the answer cropped back to the image's size`,
        maxPixels,
      };
  }
}
