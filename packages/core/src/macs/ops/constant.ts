/**
 * Constant (value_int(s) / value_float(s); a tensor `value` is lifted to an initializer by
 * `readModelForCounting` before counting), ConstantOfShape, Shape, Range. Never MACs.
 */
import { numel } from '../../tensor/tensor';
import type { NodeContext, OpRule, Value } from '../types';
import { attrFloats, attrInt, attrInts, canFold, constData, graphError, input, value } from '../values';

function constant(ctx: NodeContext): Value[] {
  const a = ctx.node.attributes;
  if (a['value_int']) return [value([], 'int', [attrInt(ctx, 'value_int', 0)])];
  const ints = attrInts(ctx, 'value_ints');
  if (ints) return [value([ints.length], 'int', ints)];
  if (a['value_float']) return [value([], 'float', attrFloats(ctx, 'value_float'))];
  const floats = attrFloats(ctx, 'value_floats');
  if (floats) return [value([floats.length], 'float', floats)];
  throw graphError(
    ctx,
    'holds a tensor value the plain ONNX decoder does not keep; load the file with readModelForCounting() (gc-bench macs does)',
  );
}

function constantOfShape(ctx: NodeContext): Value[] {
  const shape = Array.from(constData(ctx, 0, 'shape'));
  const n = numel(shape);
  // The fill value is a one-element tensor attribute (default float 0); readModelForCounting turns
  // it into `value` ints (int64 fill) or floats.
  const a = ctx.node.attributes['value'];
  const dtype = a && a.type === 'ints' ? 'int' : 'float';
  const fill = a && (a.type === 'ints' || a.type === 'floats') ? (a.value[0] ?? 0) : 0;
  return [value(shape, dtype, n <= 4096 ? new Array<number>(n).fill(fill) : undefined)];
}

function shapeOf(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'input');
  const rank = x.shape.length;
  const clamp = (v: number): number => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  const start = clamp(attrInt(ctx, 'start', 0));
  const end = clamp(attrInt(ctx, 'end', rank));
  const dims = x.shape.slice(start, Math.max(start, end));
  return [value([dims.length], 'int', dims)];
}

function range(ctx: NodeContext): Value[] {
  const scalar = (i: number, what: string): number => {
    const v = constData(ctx, i, what)[0];
    if (v === undefined) throw graphError(ctx, `${what} is empty, expected a scalar`);
    return v;
  };
  const [start, limit, delta] = [scalar(0, 'start'), scalar(1, 'limit'), scalar(2, 'delta')];
  const n = Math.max(0, Math.ceil((limit - start) / delta));
  const dtype = input(ctx, 0).dtype;
  const data = canFold([input(ctx, 0)]) && n <= 4096 ? Array.from({ length: n }, (_, i) => start + i * delta) : undefined;
  return [value([n], dtype, data)];
}

export const constantRule: OpRule = { opTypes: ['Constant'], infer: constant };
export const constantOfShapeRule: OpRule = { opTypes: ['ConstantOfShape'], infer: constantOfShape };
export const shapeRule: OpRule = { opTypes: ['Shape'], infer: shapeOf };
export const rangeRule: OpRule = { opTypes: ['Range'], infer: range };
