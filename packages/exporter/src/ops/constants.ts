/**
 * Shape constants shared across nodes (InstanceNormalization's ones/zeros, Pad's pads, Clip's bounds):
 * one initializer per distinct value per graph, so a 9-block generator doesn't carry 30 copies.
 */
import { type GraphBuilder, numel } from '@gc-edge/core';

const cache = new WeakMap<GraphBuilder, Map<string, string>>();

function memo(g: GraphBuilder, key: string, make: () => string): string {
  let m = cache.get(g);
  if (!m) cache.set(g, (m = new Map<string, string>()));
  let name = m.get(key);
  if (name === undefined) m.set(key, (name = make()));
  return name;
}

/** A float32 constant filled with `value`, shape `dims` ([] for a scalar). */
export function constFloat(g: GraphBuilder, dims: readonly number[], value: number): string {
  const label = dims.length === 0 ? 'scalar' : dims.join('x');
  const key = `f32:${label}:${Object.is(value, -0) ? '-0' : value}`;
  const n = numel(dims);
  const tag = value === 1 ? 'ones' : value === 0 ? 'zeros' : `${value}`;
  return memo(g, key, () => g.float(`const.${tag}.${label}`, dims, new Float32Array(n).fill(value)));
}

/** A float32 constant with the given values (1-D, or `dims` when given; [0] dims for an empty tensor). */
export function constFloats(g: GraphBuilder, label: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
  const key = `f32v:${dims.join('x')}:${values.join(',')}`;
  return memo(g, key, () => g.float(`const.${label}`, dims, Float32Array.from(values)));
}

/** A 1-D int64 constant (Pad's pads, Resize's sizes). */
export function constInt64s(g: GraphBuilder, label: string, values: readonly number[]): string {
  const key = `i64:${values.join(',')}`;
  return memo(g, key, () => g.int64(`const.${label}`, values));
}
