/**
 * The generate route's input for GauGAN models (`architecture: mobile_spade` in the ONNX metadata):
 * the body is a label map PNG — 8-bit greyscale class ids, a palette PNG (indices are ids) or RGB in
 * the Cityscapes palette — turned into the model input by `prepareLabelMap` (../label-map): one-hot
 * over the label classes (+ a dontcare channel), then the instance-edge channel, drawn from the label
 * map itself. An instance map cannot come over this route (one body, one image); send the full
 * tensor to `/v2/models/{name}/infer` for that.
 *
 * Label classes = `semanticChannels` - 1 (the instance-edge channel), - 1 more when the request says
 * `?dontcare=1` (the model was trained with `--contain_dontcare_label`: id 255 is a channel of its own).
 * Size: the model's fixed input size, resized (nearest neighbour) or refused per `--resize-policy`;
 * `crop` would cut classes out of the scene, so under it a label map of another size is refused.
 */
import { GcError } from '@gc-edge/core';
import type { SizePolicy } from '../image/types';
import { CITYSCAPES_PALETTE, DONTCARE_ID, prepareLabelMap } from '../label-map';
import { readPngInfo } from '../label-map/png-info';
import type { FloatTensor, ModelInfo } from '../session/types';

export const LABEL_MAP_ARCHITECTURE = 'mobile_spade';
export const LABEL_MAP_MEDIA_TYPE = 'image/png';
/** Query parameters the label-map route knows. */
export const LABEL_MAP_QUERY = ['dontcare'] as const;
const WHERE = 'label map';
const TRUE = ['1', 'true', 'yes', ''];
const FALSE = ['0', 'false', 'no'];

/** What the route needs to know about a mobile_spade model. */
export interface LabelMapModel {
  readonly input: string;
  readonly output: string;
  /** The generator's input channels (label classes + dontcare + 1 instance edge). */
  readonly semanticChannels: number;
  /** Fixed input size; undefined when height and width are symbolic (`--dynamic` export). */
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** A symbolic size must be a multiple of this: 2^5 ("normal") or 2^6 ("more") upsamplings. */
  readonly grid: number;
}

export interface LabelMapRequestOptions {
  readonly dontcare: boolean;
}

export interface LabelMapLimits {
  readonly policy: SizePolicy;
  readonly maxPixels: number;
}

export function isLabelMapModel(info: ModelInfo): boolean {
  return (info.architecture ?? info.metadata['architecture']) === LABEL_MAP_ARCHITECTURE;
}

function fixed(d: number | string | undefined): number | undefined {
  return typeof d === 'number' && d > 0 ? d : undefined;
}

function modelError(model: string, what: string): GcError {
  return new GcError('E_BAD_REQUEST', `model '${model}' (${LABEL_MAP_ARCHITECTURE}) ${what}`, {
    hint: `send tensors to /v2/models/${model}/infer instead`,
  });
}

/** Reads the model's input from its I/O and metadata (`semanticChannels`, `numUpsamplingLayers`). */
export function labelMapModelOf(model: string, info: ModelInfo): LabelMapModel {
  const input = info.inputs[0];
  const output = info.outputs[0];
  if (!input || !output || info.inputs.length !== 1 || input.shape.length !== 4) {
    const shapes = info.inputs.map((t) => `'${t.name}' [${t.shape.join(',')}]`).join(', ');
    throw modelError(model, `has inputs ${shapes}; generate needs one [1,C,H,W] label-map input`);
  }
  const batch = fixed(input.shape[0]);
  if (batch !== undefined && batch !== 1) throw modelError(model, `takes batches of ${batch}; generate sends one label map`);
  const declared = info.metadata['semanticChannels'];
  const fromMetadata = declared !== undefined && /^\d+$/.test(declared.trim()) ? Number(declared) : undefined;
  const channels = fixed(input.shape[1]);
  if (fromMetadata !== undefined && channels !== undefined && fromMetadata !== channels) {
    throw modelError(model, `says semanticChannels ${fromMetadata} in its metadata but its input has ${channels} channels`);
  }
  const semanticChannels = fromMetadata ?? channels;
  if (semanticChannels === undefined || semanticChannels < 2) {
    throw modelError(model, `has no usable semanticChannels (metadata '${declared ?? ''}', input channels ${String(input.shape[1])})`);
  }
  return {
    input: input.name,
    output: output.name,
    semanticChannels,
    width: fixed(input.shape[3]),
    height: fixed(input.shape[2]),
    grid: info.metadata['numUpsamplingLayers'] === 'normal' ? 32 : 64,
  };
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

/** The size the label map becomes, or the refusal: per policy for a fixed size, grid multiples for a symbolic one. */
function targetSize(
  model: string,
  m: LabelMapModel,
  got: { width: number; height: number },
  policy: SizePolicy,
): { width: number; height: number } {
  const size = `${got.width}x${got.height} (width x height)`;
  if (m.width === undefined || m.height === undefined) {
    if (got.width % m.grid === 0 && got.height % m.grid === 0) return got;
    throw new GcError(
      'E_LABEL_MAP',
      `${WHERE} is ${size} but model '${model}' takes any size whose width and height are multiples of ${m.grid}`,
      {
        hint: `draw the label map at a multiple of ${m.grid} in both directions`,
      },
    );
  }
  const want = `${m.width}x${m.height}`;
  if (got.width === m.width && got.height === m.height) return got;
  if (policy === 'resize') return { width: m.width, height: m.height };
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
  m: LabelMapModel,
  body: Uint8Array,
  request: LabelMapRequestOptions,
  limits: LabelMapLimits,
): Promise<FloatTensor> {
  const png = readPngInfo(body, WHERE);
  if (png.width * png.height > limits.maxPixels) {
    throw new GcError(
      'E_IMAGE_TOO_LARGE',
      `${WHERE}: ${png.width}x${png.height} is ${png.width * png.height} pixels, over the limit of ${limits.maxPixels}`,
      {
        hint: m.width !== undefined ? `send the label map at the model's size, ${m.width}x${m.height}` : undefined,
      },
    );
  }
  const { width, height } = targetSize(model, m, png, limits.policy);
  const labelChannels = m.semanticChannels - 1 - (request.dontcare ? 1 : 0);
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
function withRequestHint(e: unknown, m: LabelMapModel, labelChannels: number, request: LabelMapRequestOptions): unknown {
  if (!(e instanceof GcError) || e.code !== 'E_LABEL_MAP' || !e.message.includes('class ids outside')) return e;
  const parts = `${m.semanticChannels} semantic channels - 1 instance edge${request.dontcare ? ' - 1 dontcare' : ''}`;
  const dontcare = request.dontcare
    ? ''
    : `; if it was trained with a dontcare label, send ?dontcare=1 (id ${DONTCARE_ID} then has its own channel)`;
  return new GcError('E_LABEL_MAP', e.message, {
    hint: `the model has ${labelChannels} label classes (${parts})${dontcare}; greyscale PNGs hold class ids (as Cityscapes *_labelIds.png), RGB ones Cityscapes palette colours`,
    cause: e,
  });
}
