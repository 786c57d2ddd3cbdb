/**
 * The concrete input shapes a model is warmed up (and its placement profiled) at. A model exported
 * with symbolic dims (`gc-export --dynamic`: input `['batch', 3, 'height', 'width']`) cannot be run
 * on "its" shape, so:
 * 1. the model contract's size of each NCHW input (its fixed size, else the size it was exported
 *    at: `default_size`, docs/model-contract.md) gives that input's symbolic height and width;
 * 2. the `macs_input_shape` metadata gc-export writes (`1x3x256x256`: the size the MACs were counted
 *    at) gives the first input's other dims, when it has the input's rank and agrees with its fixed
 *    dims;
 *    a symbolic name bound by 1 or 2 (`height`) takes the same value in every other input;
 * 3. otherwise a symbolic first dim (the batch) is {@link DEFAULT_WARMUP_BATCH} and any other
 *    symbolic dim (height, width, ...) is {@link DEFAULT_WARMUP_SIZE}.
 */
import { EXPORT_SHAPE_METADATA, numel, parseShapeString } from '@gc-edge/core';
import { contractOf } from './model-info';
import type { FloatTensor, ModelInfo, TensorMap } from './types';

/** Batch of a warm-up run when the model's batch dim is symbolic and metadata says nothing. */
export const DEFAULT_WARMUP_BATCH = 1;
/** Every other symbolic dim of a warm-up run (height, width) when metadata says nothing. */
export const DEFAULT_WARMUP_SIZE = 256;

const isFixed = (d: number | string): d is number => typeof d === 'number' && d >= 0;

/** The dims each input is warmed up at (see the module comment), by input name. */
export function warmupShapes(info: ModelInfo): Record<string, number[]> {
  const bound = new Map<string, number>();
  const bind = (d: number | string, value: number): void => {
    if (typeof d === 'string' && !bound.has(d)) bound.set(d, value);
  };
  /** Input name -> its height and width from the contract. */
  const sized = new Map<string, readonly [number, number]>();
  const contract = contractOf(info);
  for (const input of info.inputs) {
    const declared = contract?.inputs.find((t) => t.name === input.name);
    const size = declared?.size.fixed ?? declared?.defaultSize;
    if (!size || input.shape.length !== 4) continue;
    sized.set(input.name, [size.height, size.width]);
    bind(input.shape[2]!, size.height);
    bind(input.shape[3]!, size.width);
  }
  const first = info.inputs[0];
  const declared = parseShapeString(info.metadata[EXPORT_SHAPE_METADATA]);
  if (first && declared && declared.length === first.shape.length && first.shape.every((d, k) => !isFixed(d) || d === declared[k])) {
    first.shape.forEach((d, k) => bind(d, declared[k]!));
  }
  const shapes: Record<string, number[]> = {};
  for (const input of info.inputs) {
    const size = sized.get(input.name);
    shapes[input.name] = input.shape.map((d, k) => {
      if (isFixed(d)) return d;
      if (size && (k === 2 || k === 3)) return size[k - 2]!;
      const named = typeof d === 'string' ? bound.get(d) : undefined;
      if (named !== undefined) return named;
      const value = k === 0 ? DEFAULT_WARMUP_BATCH : DEFAULT_WARMUP_SIZE;
      if (typeof d === 'string') bound.set(d, value);
      return value;
    });
  }
  return shapes;
}

/** Zero-filled float32 feeds of these shapes. */
export function zeroFeeds(shapes: Readonly<Record<string, readonly number[]>>): TensorMap {
  const feeds: Record<string, FloatTensor> = {};
  for (const [name, dims] of Object.entries(shapes)) {
    feeds[name] = { data: new Float32Array(numel(dims)), dims: [...dims] };
  }
  return feeds;
}

/** The dims of each feed, by input name (what a warm-up ran at). */
export function shapesOf(feeds: TensorMap): Record<string, number[]> {
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, [...t.dims]]));
}
