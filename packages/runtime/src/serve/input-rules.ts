/**
 * What input sizes a served model can take, read from its I/O and its model contract (never its
 * architecture's name), shared by the generate and infer routes:
 * - the size rule of each input's symbolic height/width: what the contract declares
 *   (`gc_edge.input.N.size.*`, docs/model-contract.md: e.g. multiples of 4, at least 8, for the
 *   ResNet generators; multiples of 64 for a GauGAN); models without a contract: any size;
 * - the per-model pixel cap (`--max-model-pixels`, else derived; see {@link pixelCapOf});
 * - onnxruntime's complaints about an input's dimensions, which are the client's mistake (400),
 *   not a server failure.
 * Computed once per loaded model (model-plan.ts); the routes read the plan.
 */
import { type ContractInput, EXPORT_SHAPE_METADATA, GcError, parseShapeString, type ReadContract, type SizeRule } from '@gc-edge/core';
import { contractOf } from '../session/model-info';
import type { ModelInfo } from '../session/types';

export type { SizeRule } from '@gc-edge/core';
export { describeSizeRule, fitUp, fitsSizeRule } from '@gc-edge/core';

/** The rule of a model that declares none. */
export const ANY_SIZE: SizeRule = { multiple: 1, min: 1 };

/** Without --max-model-pixels, a model whose size nothing tells gets this many pixels. */
export const DEFAULT_MODEL_PIXELS = 4_000_000;
/** Without --max-model-pixels, a model takes up to this many times the pixels of its own input size. */
export const MODEL_PIXELS_FACTOR = 4;

/** The contract's entry for `input` (the first graph input by default); undefined without a contract. */
function declaredInput(info: ModelInfo, contract: ReadContract | undefined, input?: string): ContractInput | undefined {
  const name = input ?? info.inputs[0]?.name;
  return contract?.inputs.find((t) => t.name === name);
}

/** The size rule of an input's symbolic height/width (the first input's by default), from the model contract. */
export function sizeRuleOf(info: ModelInfo, input?: string, contract = contractOf(info)): SizeRule {
  const size = declaredInput(info, contract, input)?.size;
  return size ? { multiple: size.multiple, min: size.min } : ANY_SIZE;
}

/** The largest height x width a model takes, and where that number comes from (for messages). */
export interface PixelCap {
  readonly maxPixels: number;
  readonly source: string;
}

/**
 * The per-model input cap, height x width of one image (of the first input):
 * 1. `--max-model-pixels` when given (every model);
 * 2. else 4x the pixels of the model's fixed input height x width (the graph's, or the contract's
 *    fixed size);
 * 3. else (symbolic height/width) 4x the size it was exported at: the contract's `default_size`,
 *    else the `macs_input_shape` metadata (`NxCxHxW`) of files without a contract;
 * 4. else 4 megapixels.
 */
export function pixelCapOf(info: ModelInfo, override?: number, contract = contractOf(info)): PixelCap {
  if (override !== undefined) return { maxPixels: override, source: '--max-model-pixels' };
  const shape = info.inputs[0]?.shape;
  const h = shape?.[2];
  const w = shape?.[3];
  const declared = declaredInput(info, contract);
  const fixed =
    shape?.length === 4 && typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0
      ? { height: h, width: w }
      : declared?.size.fixed;
  if (fixed) {
    const { height, width } = fixed;
    return {
      maxPixels: MODEL_PIXELS_FACTOR * height * width,
      source: `${MODEL_PIXELS_FACTOR}x its ${width}x${height} input; --max-model-pixels sets it`,
    };
  }
  const exported = declared?.defaultSize ?? exportedSize(info);
  if (exported) {
    const { height, width } = exported;
    return {
      maxPixels: MODEL_PIXELS_FACTOR * height * width,
      source: `${MODEL_PIXELS_FACTOR}x the ${width}x${height} it was exported at; --max-model-pixels sets it`,
    };
  }
  return { maxPixels: DEFAULT_MODEL_PIXELS, source: 'the default for a model of unknown size; --max-model-pixels sets it' };
}

/** Height x width of `macs_input_shape` (`NxCxHxW`), which files without a contract may carry. */
function exportedSize(info: ModelInfo): { height: number; width: number } | undefined {
  const dims = parseShapeString(info.metadata[EXPORT_SHAPE_METADATA]);
  return dims?.length === 4 ? { height: dims[2]!, width: dims[3]! } : undefined;
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
