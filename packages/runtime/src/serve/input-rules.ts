/**
 * What input sizes a served model can take, read from its I/O and gc-export metadata, shared by the
 * generate and infer routes:
 * - the size rule of symbolic height/width: the ResNet generators downsample twice by 2 and
 *   reflect-pad by 1 at 1/4 scale, so height and width must be multiples of 4, at least 8; a
 *   mobile_spade (GauGAN) upsamples from 1/2^5 or 1/2^6 of the size, so multiples of 32 or 64;
 *   models of any other architecture: any size;
 * - the per-model pixel cap (`--max-model-pixels`, else derived; see {@link pixelCapOf});
 * - onnxruntime's complaints about an input's dimensions, which are the client's mistake (400),
 *   not a server failure.
 */
import { GcError } from '@gc-edge/core';
import type { ModelInfo } from '../session/types';

/** Height and width of a symbolic-size input: each a multiple of `multiple`, at least `min`. */
export interface SizeRule {
  readonly multiple: number;
  readonly min: number;
}

const ANY_SIZE: SizeRule = { multiple: 1, min: 1 };
const RESNET: SizeRule = { multiple: 4, min: 8 };
const RESNET_ARCHITECTURES = ['resnet_9blocks', 'mobile_resnet_9blocks', 'legacy_mobile_resnet_9blocks'];

/** Without --max-model-pixels, a model whose size nothing tells gets this many pixels. */
export const DEFAULT_MODEL_PIXELS = 4_000_000;
/** Without --max-model-pixels, a model takes up to this many times the pixels of its own input size. */
export const MODEL_PIXELS_FACTOR = 4;

export function architectureOf(info: ModelInfo): string | undefined {
  return info.architecture ?? info.metadata['architecture'];
}

/** The size rule of the model's symbolic height/width, from its architecture. */
export function sizeRuleOf(info: ModelInfo): SizeRule {
  const arch = architectureOf(info);
  if (arch !== undefined && RESNET_ARCHITECTURES.includes(arch)) return RESNET;
  if (arch === 'mobile_spade') {
    const grid = info.metadata['numUpsamplingLayers'] === 'normal' ? 32 : 64;
    return { multiple: grid, min: grid };
  }
  return ANY_SIZE;
}

export function fitsSizeRule(rule: SizeRule, n: number): boolean {
  return n >= rule.min && n % rule.multiple === 0;
}

/** `multiples of 4, at least 8` (or `any size`). */
export function describeSizeRule(rule: SizeRule): string {
  if (rule.multiple === 1 && rule.min <= 1) return 'any size';
  const multiple = rule.multiple > 1 ? `multiples of ${rule.multiple}` : '';
  const min = rule.min > rule.multiple ? `at least ${rule.min}` : '';
  return [multiple, min].filter(Boolean).join(', ');
}

/** The smallest size >= n (and >= 1) that fits the rule. */
export function fitUp(rule: SizeRule, n: number): number {
  const atLeast = Math.max(n, rule.min, 1);
  return Math.ceil(atLeast / rule.multiple) * rule.multiple;
}

/** The largest height x width a model takes, and where that number comes from (for messages). */
export interface PixelCap {
  readonly maxPixels: number;
  readonly source: string;
}

/**
 * The per-model input cap, height x width of one image:
 * 1. `--max-model-pixels` when given (every model);
 * 2. else 4x the pixels of the model's fixed input height x width;
 * 3. else (symbolic height/width) 4x the size it was exported at (`macs_input_shape` metadata,
 *    `NxCxHxW`);
 * 4. else 4 megapixels.
 */
export function pixelCapOf(info: ModelInfo, override?: number): PixelCap {
  if (override !== undefined) return { maxPixels: override, source: '--max-model-pixels' };
  const shape = info.inputs[0]?.shape;
  const h = shape?.[2];
  const w = shape?.[3];
  if (shape?.length === 4 && typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0) {
    return { maxPixels: MODEL_PIXELS_FACTOR * h * w, source: `${MODEL_PIXELS_FACTOR}x its ${w}x${h} input; --max-model-pixels sets it` };
  }
  const exported = /^\d+x\d+x(\d+)x(\d+)$/.exec(info.metadata['macs_input_shape'] ?? '');
  if (exported) {
    const [eh, ew] = [Number(exported[1]), Number(exported[2])];
    if (eh > 0 && ew > 0) {
      return {
        maxPixels: MODEL_PIXELS_FACTOR * eh * ew,
        source: `${MODEL_PIXELS_FACTOR}x the ${ew}x${eh} it was exported at; --max-model-pixels sets it`,
      };
    }
  }
  return { maxPixels: DEFAULT_MODEL_PIXELS, source: 'the default for a model of unknown size; --max-model-pixels sets it' };
}

/** E_IMAGE_TOO_LARGE (413) when height x width is over the model's cap; `what` names the input. */
export function checkPixelCap(model: string, what: string, height: number, width: number, cap: PixelCap): void {
  const pixels = height * width;
  if (pixels <= cap.maxPixels) return;
  throw new GcError(
    'E_IMAGE_TOO_LARGE',
    `${what}: ${width}x${height} (width x height) is ${pixels} pixels; model '${model}' takes at most ${cap.maxPixels} (${cap.source})`,
    {
      hint: 'send a smaller image, or start gc-serve with a larger --max-model-pixels if the device has the memory',
    },
  );
}

/** onnxruntime messages that say an input's dimensions do not suit the graph. */
const DIMENSION_ERROR = /shape|dimension|dims|axis|axes|broadcast|Pad |reflect|size/i;

/**
 * A run that failed because of the input's dimensions is the client's mistake: E_BAD_REQUEST (400)
 * naming the shape, with onnxruntime's reason. Anything else is returned unchanged.
 */
export function asInputShapeError(e: unknown, model: string, shapes: string): unknown {
  if (!(e instanceof GcError) || e.code !== 'E_SESSION' || !/inference failed/.test(e.message) || !DIMENSION_ERROR.test(e.message)) return e;
  const reason = e.message.replace(/^.*?inference failed:\s*/, '').slice(0, 300);
  return new GcError('E_BAD_REQUEST', `model '${model}' cannot run on ${shapes}: ${reason}`, {
    hint: `GET /v2/models/${model} shows its inputs and the sizes it takes`,
    cause: e,
  });
}
