/**
 * Dynamic batching helpers: several requests' feeds concatenated along dimension 0 for one run of a
 * model exported with a symbolic batch dimension, and the outputs split back per request.
 */
import { GcError } from '@gc-edge/core';
import type { FloatTensor, TensorInfo, TensorMap } from '../session/types';

/** True when every input and output has a symbolic (or -1) first dimension. */
export function hasDynamicBatch(inputs: readonly TensorInfo[], outputs: readonly TensorInfo[]): boolean {
  const dynamic = (t: TensorInfo): boolean => t.shape.length > 0 && (typeof t.shape[0] === 'string' || (t.shape[0] as number) < 0);
  return inputs.length > 0 && inputs.every(dynamic) && outputs.every(dynamic);
}

/**
 * Which requests may share a batch: the same input names with the same non-batch dims (a batch is
 * one tensor per input, concatenated along dimension 0). `input:3x16x16` for one [n,3,16,16] input.
 */
export function batchKey(feeds: TensorMap): string {
  return Object.keys(feeds)
    .sort()
    .map((name) => `${name}:${feeds[name]!.dims.slice(1).join('x')}`)
    .join(';');
}

/**
 * Concatenates each named input along dimension 0; returns the feeds and each request's batch.
 * Every request must have the same {@link batchKey} (the scheduler groups them so).
 */
export function concatFeeds(list: readonly TensorMap[]): { feeds: TensorMap; sizes: number[] } {
  const first = list[0];
  if (!first) throw new GcError('E_INTERNAL', 'concatFeeds: empty batch');
  const names = Object.keys(first);
  const sizes = list.map((m) => m[names[0]!]!.dims[0] ?? 1);
  if (list.length === 1) return { feeds: first, sizes };
  const feeds: Record<string, FloatTensor> = {};
  for (const name of names) {
    const parts = list.map((m, i) => {
      const t = m[name];
      if (!t) throw new GcError('E_INTERNAL', `concatFeeds: request ${i} lacks input '${name}'`);
      return t;
    });
    const rest = parts[0]!.dims.slice(1);
    for (const [i, t] of parts.entries()) {
      if (t.dims.length !== rest.length + 1 || t.dims.slice(1).some((d, k) => d !== rest[k])) {
        throw new GcError(
          'E_INTERNAL',
          `concatFeeds: request ${i} input '${name}' is [${t.dims.join(',')}], batch needs [n,${rest.join(',')}]`,
        );
      }
    }
    const total = parts.reduce((a, t) => a + t.data.length, 0);
    const data = new Float32Array(total);
    let offset = 0;
    for (const t of parts) {
      data.set(t.data, offset);
      offset += t.data.length;
    }
    feeds[name] = { data, dims: [parts.reduce((a, t) => a + (t.dims[0] ?? 1), 0), ...rest] };
  }
  return { feeds, sizes };
}

/** Splits batched outputs back into one TensorMap per request (`sizes` from concatFeeds). */
export function splitOutputs(outputs: TensorMap, sizes: readonly number[]): TensorMap[] {
  if (sizes.length === 1) return [outputs];
  const result: Record<string, FloatTensor>[] = sizes.map(() => ({}));
  for (const [name, t] of Object.entries(outputs)) {
    const total = t.dims[0] ?? 0;
    const per = total === 0 ? 0 : t.data.length / total;
    let row = 0;
    sizes.forEach((n, i) => {
      result[i]![name] = { data: t.data.slice(row * per, (row + n) * per), dims: [n, ...t.dims.slice(1)] };
      row += n;
    });
  }
  return result;
}
