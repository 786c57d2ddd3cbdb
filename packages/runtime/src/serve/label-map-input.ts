/**
 * The generate route's input for label-map models (a `label_map` input in the model contract, e.g.
 * GauGAN): the body is a label map PNG — 8-bit greyscale class ids, a palette PNG (indices are ids)
 * or RGB in the Cityscapes palette — turned into the model input by `prepareLabelMap`
 * (../label-map): one-hot over the label classes (+ a dontcare channel), then, when the contract
 * says the model has one, the instance-edge channel, drawn from the label map itself. An instance
 * map cannot come over this route (one body, one image); send the full tensor to
 * `/v2/models/{name}/infer` for that.
 *
 * Label classes = the input's channels - 1 (the instance-edge channel, when there is one), - 1 more
 * when the request says `?dontcare=1` (the model was trained with `--contain_dontcare_label`: id 255
 * is a channel of its own). Size: the model's fixed input size, resized (nearest neighbour) or
 * refused per `--resize-policy`; `crop` would cut classes out of the scene, so under it a label map
 * of another size is refused. A symbolic size takes the map at its own size when it fits the size
 * rule (label maps are not padded).
 */
import { describeSizeRule, fitsSizeRule, GcError } from '@gc-edge/core';
import { formatFromContentType } from '../image/accept';
import type { SizePolicy } from '../image/types';
import { CITYSCAPES_PALETTE, DONTCARE_ID, prepareLabelMap } from '../label-map';
import { readPngInfo } from '../label-map/png-info';
import type { FloatTensor } from '../session/types';
import type { GenerateLimits, GenerateRequest, MadeInput } from './model-input';
import type { LabelMapPipeline } from './model-plan';

export const LABEL_MAP_MEDIA_TYPE = 'image/png';
/** Query parameters the label-map route knows. */
export const LABEL_MAP_QUERY = ['dontcare'] as const;
const WHERE = 'label map';
const TRUE = ['1', 'true', 'yes', ''];
const FALSE = ['0', 'false', 'no'];

export interface LabelMapRequestOptions {
  readonly dontcare: boolean;
}

/** Label classes of a label-map model (without dontcare): its channels less the instance-edge channel. */
export function labelClassesOf(m: LabelMapPipeline): number {
  return m.semanticChannels - (m.instanceEdge ? 1 : 0);
}

/** The generate route's label-map pipeline: Content-Type and query checked, the PNG made into the model input. */
export async function labelMapInput(model: string, m: LabelMapPipeline, r: GenerateRequest, limits: GenerateLimits): Promise<MadeInput> {
  requirePng(model, r.contentType);
  const tensor = await labelMapTensor(model, m, r.body, labelMapRequestOptions(r.query), limits);
  const [, , height = 1, width = 1] = tensor.dims;
  return { tensor, height, width, what: WHERE };
}

function requirePng(model: string, contentType: string | undefined): void {
  if (formatFromContentType(contentType) === 'png') return;
  const type = (contentType ?? '').split(';', 1)[0]!.trim();
  const why = type === '' ? 'the request has no Content-Type' : `Content-Type '${type.slice(0, 80)}' is not one`;
  throw new GcError('E_MEDIA_TYPE', `model '${model}' takes a label map: ${why}; send ${LABEL_MAP_MEDIA_TYPE}`, {
    hint: 'label maps must be lossless PNG (8-bit class ids, or RGB in the Cityscapes palette): JPEG/WebP change the ids at region borders',
  });
}

/** `?dontcare=1|0|true|false` (a bare `?dontcare` is true); any other parameter is refused, listing these. */
export function labelMapRequestOptions(query: unknown): LabelMapRequestOptions {
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  for (const key of Object.keys(q)) {
    if (!(LABEL_MAP_QUERY as readonly string[]).includes(key)) {
      throw new GcError(
        'E_BAD_REQUEST',
        `unknown query parameter '${key.slice(0, 40)}' for a label map. Should be one of: ${LABEL_MAP_QUERY.join(', ')}`,
      );
    }
  }
  const raw = q['dontcare'];
  if (raw === undefined) return { dontcare: false };
  const v = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  if (v !== undefined && TRUE.includes(v)) return { dontcare: true };
  if (v !== undefined && FALSE.includes(v)) return { dontcare: false };
  const shown = typeof raw === 'string' ? raw : JSON.stringify(raw);
  throw new GcError('E_BAD_REQUEST', `query 'dontcare': '${shown.slice(0, 40)}' is not one of 1, 0, true, false (given once)`, {
    hint: `dontcare=1 when the model was trained with a dontcare label (id ${DONTCARE_ID} has its own channel)`,
  });
}

/** The size the label map becomes, or the refusal: per policy for a fixed size, the size rule for a symbolic one. */
function targetSize(
  model: string,
  m: LabelMapPipeline,
  got: { width: number; height: number },
  policy: SizePolicy,
): { width: number; height: number } {
  const size = `${got.width}x${got.height} (width x height)`;
  if (!m.size) {
    if (fitsSizeRule(m.rule, got.width) && fitsSizeRule(m.rule, got.height)) return got;
    const rule = describeSizeRule(m.rule);
    throw new GcError('E_LABEL_MAP', `${WHERE} is ${size} but model '${model}' takes any size whose width and height are ${rule}`, {
      hint: `draw the label map at ${rule} in both directions`,
    });
  }
  const { width, height } = m.size;
  const want = `${width}x${height}`;
  if (got.width === width && got.height === height) return got;
  if (policy === 'resize') return { width, height };
  const crop =
    policy === 'crop' ? '; --resize-policy crop does not apply to label maps (a crop cuts classes out of the scene), so it is refused' : '';
  throw new GcError('E_LABEL_MAP', `${WHERE} is ${size} but model '${model}' takes ${want}${crop}`, {
    hint: `draw the label map at ${want}, or start gc-serve with --resize-policy resize (nearest neighbour, as upstream resizes label maps)`,
  });
}

/**
 * The label map PNG -> the model's input tensor. Throws E_LABEL_MAP for what is wrong with the map
 * (not a PNG, undecodable, unknown colours, class ids outside the classes, size), E_IMAGE_TOO_LARGE
 * over the pixel limit (checked from the header), E_BAD_REQUEST when the options leave no classes.
 */
export async function labelMapTensor(
  model: string,
  m: LabelMapPipeline,
  body: Uint8Array,
  request: LabelMapRequestOptions,
  limits: GenerateLimits,
): Promise<FloatTensor> {
  const png = readPngInfo(body, WHERE);
  if (png.width * png.height > limits.maxPixels) {
    throw new GcError(
      'E_IMAGE_TOO_LARGE',
      `${WHERE}: ${png.width}x${png.height} is ${png.width * png.height} pixels, over the limit of ${limits.maxPixels}`,
      { hint: m.size ? `send the label map at the model's size, ${m.size.width}x${m.size.height}` : undefined },
    );
  }
  const { width, height } = targetSize(model, m, png, limits.policy);
  const labelChannels = labelClassesOf(m) - (request.dontcare ? 1 : 0);
  if (labelChannels < 1) {
    throw new GcError(
      'E_BAD_REQUEST',
      `model '${model}' has ${m.semanticChannels} semantic channels: no room for label classes${request.dontcare ? ' with dontcare=1' : ''}`,
    );
  }
  try {
    const prepared = await prepareLabelMap(body, {
      labelChannels,
      containDontcareLabel: request.dontcare,
      noInstance: !m.instanceEdge,
      semanticChannels: m.semanticChannels,
      width,
      height,
      sizePolicy: width === png.width && height === png.height ? 'refuse' : 'resize',
      palette: CITYSCAPES_PALETTE,
      maxPixels: limits.maxPixels,
      where: WHERE,
    });
    return prepared.tensor;
  } catch (e) {
    throw withRequestHint(e, m, labelChannels, request);
  }
}

/** Class-id errors get a hint in the daemon's terms (`?dontcare=1`) rather than the library's options. */
function withRequestHint(e: unknown, m: LabelMapPipeline, labelChannels: number, request: LabelMapRequestOptions): unknown {
  if (!(e instanceof GcError) || e.code !== 'E_LABEL_MAP' || !e.message.includes('class ids outside')) return e;
  const edge = m.instanceEdge ? ' - 1 instance edge' : '';
  const parts = `${m.semanticChannels} semantic channels${edge}${request.dontcare ? ' - 1 dontcare' : ''}`;
  const dontcare = request.dontcare
    ? ''
    : `; if it was trained with a dontcare label, send ?dontcare=1 (id ${DONTCARE_ID} then has its own channel)`;
  return new GcError('E_LABEL_MAP', e.message, {
    hint: `the model has ${labelChannels} label classes (${parts})${dontcare}; greyscale PNGs hold class ids (as Cityscapes *_labelIds.png), RGB ones Cityscapes palette colours`,
    cause: e,
  });
}
