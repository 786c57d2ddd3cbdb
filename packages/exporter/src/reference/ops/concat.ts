/** Concat along `axis` (negative counts from the end); all other dims must agree. */
import { type GraphNode, numel, shapeString } from '@gc-edge/core';
import { intAttr, refError } from '../node-access';
import type { RefTensor } from '../tensor';

export function concat(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  const xs = inputs.filter((t): t is RefTensor => t !== undefined);
  if (xs.length === 0) throw refError(node, 'needs at least one input');
  const rank = xs[0]!.dims.length;
  const raw = intAttr(node, 'axis', Number.NaN);
  if (Number.isNaN(raw)) throw refError(node, 'the axis attribute is required');
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis >= rank) throw refError(node, `axis ${raw} is out of range for rank ${rank}`);
  for (const t of xs) {
    if (t.dims.length !== rank || t.dims.some((d, i) => i !== axis && d !== xs[0]!.dims[i])) {
      throw refError(node, `inputs ${xs.map((u) => shapeString(u.dims)).join(', ')} differ outside axis ${axis}`);
    }
  }
  const outer = numel(xs[0]!.dims.slice(0, axis));
  const dims = [...xs[0]!.dims];
  dims[axis] = xs.reduce((s, t) => s + t.dims[axis]!, 0);
  const out = new Float64Array(numel(dims));
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const t of xs) {
      const chunk = numel(t.dims.slice(axis));
      out.set(t.data.subarray(i * chunk, (i + 1) * chunk), o);
      o += chunk;
    }
  }
  return [{ dims, data: out }];
}
