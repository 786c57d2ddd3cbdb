/**
 * What the generate route needs from a model: one float32 NCHW input with 3 channels (height and
 * width fixed, or symbolic = take the image's own size) and the output to encode.
 */
import { GcError } from '@gc-edge/exporter';
import type { ModelInfo } from '../session/types';

export interface ImageInput {
  readonly name: string;
  /** Fixed input size, or undefined when the model takes any size. */
  readonly height: number | undefined;
  readonly width: number | undefined;
  /** The output to encode (the first one). */
  readonly output: string;
}

export function imageInputOf(model: string, info: ModelInfo): ImageInput {
  const input = info.inputs[0];
  const output = info.outputs[0];
  const fixed = (d: number | string | undefined): number | undefined => (typeof d === 'number' && d > 0 ? d : undefined);
  if (!input || !output || info.inputs.length !== 1 || input.shape.length !== 4 || fixed(input.shape[1]) !== 3) {
    const shapes = info.inputs.map((t) => `'${t.name}' [${t.shape.join(',')}]`).join(', ');
    throw new GcError('E_BAD_REQUEST', `model '${model}' does not take one image: its inputs are ${shapes}, generate needs one [N,3,H,W]`, {
      hint: `send tensors to /v2/models/${model}/infer instead`,
    });
  }
  const batch = fixed(input.shape[0]);
  if (batch !== undefined && batch !== 1) {
    throw new GcError('E_BAD_REQUEST', `model '${model}' takes batches of ${batch}; generate sends one image`, {
      hint: `send tensors to /v2/models/${model}/infer instead`,
    });
  }
  return { name: input.name, height: fixed(input.shape[2]), width: fixed(input.shape[3]), output: output.name };
}
