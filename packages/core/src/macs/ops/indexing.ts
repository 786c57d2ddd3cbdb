/** Slice, Gather, Transpose: shape-only ops (folded on small constants). 0 MACs. */
import { numel } from '../../tensor/tensor';
import { gatherData, sliceData, transposeData } from '../fold';
import type { NodeContext, OpRule, Value } from '../types';
import { attrInt, attrInts, axis, constData, foldable, graphError, input, value } from '../values';

function slice(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'data');
  const rank = x.shape.length;
  let starts: readonly number[];
  let ends: readonly number[];
  let axes: readonly number[] | undefined;
  let steps: readonly number[] | undefined;
  if (ctx.opset < 10) {
    starts = attrInts(ctx, 'starts') ?? [];
    ends = attrInts(ctx, 'ends') ?? [];
    axes = attrInts(ctx, 'axes');
  } else {
    starts = Array.from(constData(ctx, 1, 'starts'));
    ends = Array.from(constData(ctx, 2, 'ends'));
    axes = ctx.inputs[3] ? Array.from(constData(ctx, 3, 'axes')) : undefined;
    steps = ctx.inputs[4] ? Array.from(constData(ctx, 4, 'steps')) : undefined;
  }
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => axis(ctx, a, rank));
  const begin = x.shape.map(() => 0);
  const step = x.shape.map(() => 1);
  const out = [...x.shape];
  ax.forEach((a, i) => {
    const dim = x.shape[a]!;
    const s = steps?.[i] ?? 1;
    if (s === 0) throw graphError(ctx, 'has a zero step');
    const norm = (v: number): number => (v < 0 ? v + dim : v);
    let b = norm(starts[i]!);
    let e = norm(ends[i]!);
    if (s > 0) {
      b = Math.min(Math.max(b, 0), dim);
      e = Math.min(Math.max(e, 0), dim);
      out[a] = Math.max(0, Math.ceil((e - b) / s));
    } else {
      b = Math.min(Math.max(b, -1), dim - 1);
      e = Math.min(Math.max(e, -1), dim - 1);
      out[a] = Math.max(0, Math.ceil((e - b) / s));
    }
    begin[a] = b;
    step[a] = s;
  });
  const data = foldable(x) ? sliceData(x.data, x.shape, begin, step, out) : undefined;
  return [value(out, x.dtype, data)];
}

function gather(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'data');
  const idx = input(ctx, 1, 'indices');
  const a = axis(ctx, attrInt(ctx, 'axis', 0), x.shape.length);
  const out = [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)];
  const data = foldable(x) && foldable(idx) ? gatherData(x.data, x.shape, a, Array.from(idx.data)) : undefined;
  return [value(out, x.dtype, data)];
}

function transpose(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'data');
  const perm = attrInts(ctx, 'perm') ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  if (perm.length !== x.shape.length) throw graphError(ctx, `perm [${perm.join(', ')}] does not fit rank ${x.shape.length}`);
  const out = perm.map((p) => x.shape[p]!);
  const data = foldable(x) && numel(out) > 0 ? transposeData(x.data, x.shape, perm) : undefined;
  return [value(out, x.dtype, data)];
}

export const sliceRule: OpRule = { opTypes: ['Slice'], infer: slice };
export const gatherRule: OpRule = { opTypes: ['Gather'], infer: gather };
export const transposeRule: OpRule = { opTypes: ['Transpose'], infer: transpose };
