/**
 * Resize (opset 10: X, scales; 11+: X, roi, scales, sizes; 18+: `axes`) and Upsample (7: `scales`
 * attribute; 9: X, scales). Output = sizes, or floor(input x scale).
 * paper: nearest 0, linear 4 per output element (torchprofile's upsample_bilinear2d), cubic 16.
 * exact: nearest 0, linear 2^k per output element, cubic 4^k (k = axes actually resized).
 */
import { numel, shapeString } from '../../tensor/tensor';
import type { NodeContext, OpRule, Value } from '../types';
import { attrFloats, attrInts, attrString, axis, graphError, input, value } from '../values';

function mode(ctx: NodeContext): 'nearest' | 'linear' | 'cubic' {
  const m = attrString(ctx, 'mode', 'nearest').toLowerCase();
  if (m === 'nearest') return 'nearest';
  if (m === 'linear' || m === 'bilinear' || m === 'trilinear') return 'linear';
  if (m === 'cubic' || m === 'bicubic') return 'cubic';
  throw graphError(ctx, `unknown mode '${m}'; expected one of nearest, linear, cubic`);
}

function nonEmpty(v: Value | undefined): v is Value {
  return v !== undefined && numel(v.shape) > 0;
}

function infer(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'input X');
  const rank = x.shape.length;
  mode(ctx);
  const axesAttr = attrInts(ctx, 'axes');
  const axes = axesAttr ? axesAttr.map((a) => axis(ctx, a, rank)) : x.shape.map((_, i) => i);
  let given: { readonly kind: 'sizes' | 'scales'; readonly values: readonly number[] };
  if (ctx.node.opType === 'Upsample') {
    const scales = ctx.opset < 9 ? attrFloats(ctx, 'scales') : ctx.inputs[1]?.data && Array.from(ctx.inputs[1].data);
    if (!scales) throw graphError(ctx, 'scales must be a constant for static shape inference');
    given = { kind: 'scales', values: scales };
  } else if (ctx.opset < 11) {
    const s = ctx.inputs[1];
    if (!s?.data) throw graphError(ctx, 'scales must be a constant for static shape inference');
    given = { kind: 'scales', values: Array.from(s.data) };
  } else {
    const s = ctx.inputs[2];
    const z = ctx.inputs[3];
    if (nonEmpty(z)) {
      if (!z.data) throw graphError(ctx, 'sizes must be a constant for static shape inference');
      given = { kind: 'sizes', values: Array.from(z.data) };
    } else if (nonEmpty(s)) {
      if (!s.data) throw graphError(ctx, 'scales must be a constant for static shape inference');
      given = { kind: 'scales', values: Array.from(s.data) };
    } else {
      throw graphError(ctx, 'has neither scales nor sizes');
    }
  }
  const { kind, values } = given;
  if (values.length !== axes.length) {
    throw graphError(ctx, `${kind} [${values.join(', ')}] do not match the input ${shapeString(x.shape)}`);
  }
  const out = [...x.shape];
  axes.forEach((a, i) => {
    out[a] = kind === 'sizes' ? values[i]! : Math.floor(x.shape[a]! * values[i]!);
  });
  return [value(out, x.dtype)];
}

export const resizeRule: OpRule = {
  opTypes: ['Resize', 'Upsample'],
  infer,
  macs(ctx, outputs, convention) {
    const m = mode(ctx);
    if (m === 'nearest') return 0;
    const n = numel(outputs[0]!.shape);
    const k = outputs[0]!.shape.filter((d, i) => d !== input(ctx, 0).shape[i]).length;
    if (convention === 'paper') return n * (m === 'linear' ? 4 : 16);
    return n * (m === 'linear' ? 2 ** k : 4 ** k);
  },
};
