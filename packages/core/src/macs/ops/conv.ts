/**
 * Conv: output shape (pads / strides / dilations / auto_pad / group), MACs and learned inputs.
 * paper: output elements x (input channels / group) x kernel area (no bias, as torchprofile).
 * exact: the same plus one add per output element for the bias.
 */
import type { NodeContext, OpRule, Value } from '../types';
import { attrInt, attrInts, attrString, fmtShape, graphError, input, prod, value } from '../values';

export interface ConvGeometry {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** [begin..., end...] as ONNX orders them. */
  readonly pads: readonly number[];
  readonly autoPad: string;
}

/** Reads the spatial attributes shared by Conv and ConvTranspose, with ONNX's defaults. */
export function convGeometry(ctx: NodeContext, weightShape: readonly number[]): ConvGeometry {
  const nSpatial = weightShape.length - 2;
  const kernel = attrInts(ctx, 'kernel_shape') ?? weightShape.slice(2);
  if (kernel.length !== nSpatial) {
    throw graphError(ctx, `kernel_shape ${fmtShape(kernel)} does not match the weight ${fmtShape(weightShape)}`);
  }
  const ones = new Array<number>(nSpatial).fill(1);
  return {
    kernel,
    strides: attrInts(ctx, 'strides') ?? ones,
    dilations: attrInts(ctx, 'dilations') ?? ones,
    pads: attrInts(ctx, 'pads') ?? new Array<number>(2 * nSpatial).fill(0),
    autoPad: attrString(ctx, 'auto_pad', 'NOTSET'),
  };
}

export function convOutputSpatial(ctx: NodeContext, inSpatial: readonly number[], g: ConvGeometry): number[] {
  const n = inSpatial.length;
  return inSpatial.map((x, i) => {
    const s = g.strides[i]!;
    const dk = (g.kernel[i]! - 1) * g.dilations[i]! + 1;
    let out: number;
    switch (g.autoPad) {
      case 'SAME_UPPER':
      case 'SAME_LOWER':
        out = Math.ceil(x / s);
        break;
      case 'VALID':
        out = Math.floor((x - dk) / s) + 1;
        break;
      default:
        out = Math.floor((x + g.pads[i]! + g.pads[i + n]! - dk) / s) + 1;
    }
    if (!(out > 0)) throw graphError(ctx, `input spatial size ${fmtShape(inSpatial)} is too small for kernel ${fmtShape(g.kernel)}`);
    return out;
  });
}

function infer(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'input X');
  const w = input(ctx, 1, 'weight W');
  const group = attrInt(ctx, 'group', 1);
  if (x.shape.length !== w.shape.length || x.shape.length < 3) {
    throw graphError(ctx, `input ${fmtShape(x.shape)} and weight ${fmtShape(w.shape)} ranks do not fit a convolution`);
  }
  if (x.shape[1] !== w.shape[1]! * group) {
    throw graphError(
      ctx,
      `input has ${x.shape[1]} channels, but the weight ${fmtShape(w.shape)} with group ${group} expects ${w.shape[1]! * group}`,
    );
  }
  const spatial = convOutputSpatial(ctx, x.shape.slice(2), convGeometry(ctx, w.shape));
  return [value([x.shape[0]!, w.shape[0]!, ...spatial], 'float')];
}

export const convRule: OpRule = {
  opTypes: ['Conv'],
  infer,
  macs(ctx, outputs, convention) {
    const w = input(ctx, 1);
    const out = prod(outputs[0]!.shape);
    const macs = out * w.shape[1]! * prod(w.shape.slice(2));
    const hasBias = ctx.inputs[2] !== undefined;
    return convention === 'exact' && hasBias ? macs + out : macs;
  },
  learnedInputs: () => [1, 2],
};
