/**
 * ConvTranspose: output shape (output_shape / output_padding / pads / auto_pad), MACs, learned inputs.
 * paper: OUTPUT elements x input channels x kernel area (torchprofile 2020, output-based; it does not
 * divide by group). exact: the dense scatter count, INPUT elements x (output channels / group) x
 * kernel area, plus one add per output element for the bias.
 */
import { numel, shapeString } from '../../tensor/tensor';
import { convTransposeOutputSize } from '../../onnx/conv-output-size';
import type { NodeContext, OpRule, Value } from '../types';
import { attrInt, attrInts, graphError, input, value } from '../values';
import { convAxis, convGeometry } from './conv';

function infer(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'input X');
  const w = input(ctx, 1, 'weight W');
  const group = attrInt(ctx, 'group', 1);
  if (x.shape.length !== w.shape.length || x.shape.length < 3) {
    throw graphError(ctx, `input ${shapeString(x.shape)} and weight ${shapeString(w.shape)} ranks do not fit a transposed convolution`);
  }
  if (x.shape[1] !== w.shape[0]) {
    throw graphError(ctx, `input has ${x.shape[1]} channels, but the weight ${shapeString(w.shape)} expects ${w.shape[0]}`);
  }
  const g = convGeometry(ctx, w.shape);
  const inSpatial = x.shape.slice(2);
  const n = inSpatial.length;
  const outputPadding = attrInts(ctx, 'output_padding') ?? new Array<number>(n).fill(0);
  const outputShape = attrInts(ctx, 'output_shape');
  let spatial: number[];
  if (outputShape) {
    spatial = outputShape.slice(outputShape.length - n);
  } else if (g.autoPad === 'SAME_UPPER' || g.autoPad === 'SAME_LOWER') {
    spatial = inSpatial.map((d, i) => d * g.strides[i]!);
  } else {
    spatial = inSpatial.map((d, i) => convTransposeOutputSize(d, convAxis(g, i, n), outputPadding[i]!));
  }
  if (spatial.some((d) => !(d > 0))) throw graphError(ctx, `computed a non-positive output size ${shapeString(spatial)}`);
  return [value([x.shape[0]!, w.shape[1]! * group, ...spatial], 'float')];
}

export const convTransposeRule: OpRule = {
  opTypes: ['ConvTranspose'],
  infer,
  macs(ctx, outputs, convention) {
    const x = input(ctx, 0);
    const w = input(ctx, 1);
    const kernelArea = numel(w.shape.slice(2));
    const out = numel(outputs[0]!.shape);
    if (convention === 'paper') return out * w.shape[0]! * kernelArea;
    const hasBias = ctx.inputs[2] !== undefined;
    return numel(x.shape) * w.shape[1]! * kernelArea + (hasBias ? out : 0);
  },
  learnedInputs: () => [1, 2],
};
