/**
 * Conv: output shape (pads / strides / dilations / auto_pad / group), MACs and learned inputs.
 * paper: output elements x (input channels / group) x kernel area (no bias, as torchprofile).
 * exact: the same plus one add per output element for the bias.
 */
import { numel, shapeString } from '../../tensor/tensor';
import { type ConvAxis, convOutputSize } from '../../onnx/conv-output-size';
import type { NodeContext, OpRule, Value } from '../types';
import { attrInt, attrInts, attrString, graphError, input, value } from '../values';

interface ConvGeometry {
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
    throw graphError(ctx, `kernel_shape ${shapeString(kernel)} does not match the weight ${shapeString(weightShape)}`);
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

/** Axis `i` of `g` with its explicit pads (zero under auto_pad VALID). */
export function convAxis(g: ConvGeometry, i: number, n: number): ConvAxis {
  const valid = g.autoPad === 'VALID';
  const padBegin = valid ? 0 : g.pads[i]!;
  const padEnd = valid ? 0 : g.pads[i + n]!;
  return { kernel: g.kernel[i]!, stride: g.strides[i]!, dilation: g.dilations[i]!, padBegin, padEnd };
}

function convOutputSpatial(ctx: NodeContext, inSpatial: readonly number[], g: ConvGeometry): number[] {
  const n = inSpatial.length;
  return inSpatial.map((x, i) => {
    const same = g.autoPad === 'SAME_UPPER' || g.autoPad === 'SAME_LOWER';
    const out = same ? Math.ceil(x / g.strides[i]!) : convOutputSize(x, convAxis(g, i, n));
    if (!(out > 0)) throw graphError(ctx, `input spatial size ${shapeString(inSpatial)} is too small for kernel ${shapeString(g.kernel)}`);
    return out;
  });
}

function infer(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'input X');
  const w = input(ctx, 1, 'weight W');
  const group = attrInt(ctx, 'group', 1);
  if (x.shape.length !== w.shape.length || x.shape.length < 3) {
    throw graphError(ctx, `input ${shapeString(x.shape)} and weight ${shapeString(w.shape)} ranks do not fit a convolution`);
  }
  if (x.shape[1] !== w.shape[1]! * group) {
    throw graphError(
      ctx,
      `input has ${x.shape[1]} channels, but the weight ${shapeString(w.shape)} with group ${group} expects ${w.shape[1]! * group}`,
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
    const out = numel(outputs[0]!.shape);
    const macs = out * w.shape[1]! * numel(w.shape.slice(2));
    const hasBias = ctx.inputs[2] !== undefined;
    return convention === 'exact' && hasBias ? macs + out : macs;
  },
  learnedInputs: () => [1, 2],
};
