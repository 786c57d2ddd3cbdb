/** Pad (opset < 11: `pads` attribute; 11+: pads input, 18+: optional axes input). 0 MACs. */
import { shapeString } from '../../tensor/tensor';
import type { NodeContext, OpRule, Value } from '../types';
import { attrInts, axis, constData, graphError, input, value } from '../values';

function infer(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'input X');
  const rank = x.shape.length;
  const pads = ctx.opset < 11 ? attrInts(ctx, 'pads') : Array.from(constData(ctx, 1, 'pads'));
  if (!pads) throw graphError(ctx, 'has no pads');
  const axesData = ctx.opset >= 18 && ctx.inputs[3]?.data ? Array.from(ctx.inputs[3].data) : undefined;
  const axes = axesData ? axesData.map((a) => axis(ctx, a, rank)) : x.shape.map((_, i) => i);
  if (pads.length !== 2 * axes.length) {
    throw graphError(ctx, `pads [${pads.join(', ')}] need ${2 * axes.length} entries for the input ${shapeString(x.shape)}`);
  }
  const out = [...x.shape];
  axes.forEach((a, i) => {
    out[a] = out[a]! + pads[i]! + pads[i + axes.length]!;
  });
  if (out.some((d) => d < 0)) throw graphError(ctx, `pads [${pads.join(', ')}] crop the input ${shapeString(x.shape)} below zero`);
  return [value(out, x.dtype)];
}

export const padRule: OpRule = { opTypes: ['Pad'], infer };
