/** Reshape, Flatten, Squeeze, Unsqueeze, Expand: shape-only ops (data passes through). 0 MACs. */
import { numel, shapeString } from '../../tensor/tensor';
import type { NodeContext, OpRule, Value } from '../types';
import { attrInt, attrInts, axis, broadcastEval, broadcastShapes, constData, foldable, graphError, input, value } from '../values';

function withData(x: Value, shape: number[]): Value {
  return value(shape, x.dtype, foldable(x) ? x.data : undefined);
}

function reshape(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'data');
  const spec = Array.from(constData(ctx, 1, 'shape'));
  const allowZero = attrInt(ctx, 'allowzero', 0) === 1;
  const out = spec.map((d, i) => (d === 0 && !allowZero ? x.shape[i]! : d));
  const known = out.filter((d) => d !== -1);
  const unknown = out.length - known.length;
  if (unknown > 1) throw graphError(ctx, `shape [${spec.join(', ')}] has more than one -1`);
  const total = numel(x.shape);
  if (unknown === 1) {
    const rest = numel(known);
    if (rest === 0 || total % rest !== 0) throw graphError(ctx, `cannot reshape ${shapeString(x.shape)} to [${spec.join(', ')}]`);
    out[out.indexOf(-1)] = total / rest;
  }
  if (numel(out) !== total) throw graphError(ctx, `cannot reshape ${shapeString(x.shape)} (${total} elements) to [${spec.join(', ')}]`);
  return [withData(x, out)];
}

function flatten(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'input');
  const a = attrInt(ctx, 'axis', 1);
  const ax = a < 0 ? a + x.shape.length : a;
  return [withData(x, [numel(x.shape.slice(0, ax)), numel(x.shape.slice(ax))])];
}

function axesOf(ctx: NodeContext): readonly number[] | undefined {
  if (ctx.opset < 13) return attrInts(ctx, 'axes');
  const a = ctx.inputs[1];
  return a ? Array.from(constData(ctx, 1, 'axes')) : undefined;
}

function squeeze(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'data');
  const given = axesOf(ctx);
  const axes = given ? given.map((a) => axis(ctx, a, x.shape.length)) : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of axes) if (x.shape[a] !== 1) throw graphError(ctx, `cannot squeeze axis ${a} of ${shapeString(x.shape)}`);
  return [withData(x, x.shape.filter((_, i) => !axes.includes(i)))];
}

function unsqueeze(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'data');
  const given = axesOf(ctx);
  if (!given) throw graphError(ctx, 'has no axes');
  const rank = x.shape.length + given.length;
  const axes = given.map((a) => axis(ctx, a, rank));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : x.shape[j++]!);
  return [withData(x, out)];
}

function expand(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'input');
  const target = Array.from(constData(ctx, 1, 'shape'));
  const shape = broadcastShapes(ctx, [x.shape, target]);
  const data = foldable(x) && numel(shape) <= 4096 ? broadcastEval(shape, [x], ([v]) => v!) : undefined;
  return [value(shape, x.dtype, data)];
}

export const reshapeRule: OpRule = { opTypes: ['Reshape'], infer: reshape };
export const flattenRule: OpRule = { opTypes: ['Flatten'], infer: flatten };
export const squeezeRule: OpRule = { opTypes: ['Squeeze'], infer: squeeze };
export const unsqueezeRule: OpRule = { opTypes: ['Unsqueeze'], infer: unsqueeze };
export const expandRule: OpRule = { opTypes: ['Expand'], infer: expand };
