/**
 * ConvTranspose (2-D, NCHW). Weight [in, out/group, kH, kW] (PyTorch's ConvTranspose2d layout) and
 * optional bias [out]. The generators upsample with stride 2, pads 1, output_padding 1 (H -> 2H).
 */
import { attr, GcError, type GraphBuilder, shapeString, type Tensor } from '@gc-edge/core';
import { pads2d, type Pads2d } from './pad';

export interface ConvTransposeOptions {
  readonly stride?: number;
  readonly pads?: number | Pads2d;
  readonly outputPadding?: number;
  readonly dilation?: number;
  readonly group?: number;
}

export function convTranspose(
  g: GraphBuilder,
  name: string,
  x: string,
  weight: Tensor,
  bias: Tensor | undefined,
  opts: ConvTransposeOptions = {},
): string {
  const group = opts.group ?? 1;
  if (weight.shape.length !== 4) {
    throw new GcError('E_GRAPH', `${name}: conv-transpose weight must be 4-D [in, out/group, kH, kW], got ${shapeString(weight.shape)}`);
  }
  if (!Number.isInteger(group) || group < 1 || weight.shape[0]! % group !== 0) {
    throw new GcError('E_GRAPH', `${name}: group ${group} must divide the ${weight.shape[0]} input channels`);
  }
  const outChannels = weight.shape[1]! * group;
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outChannels)) {
    throw new GcError('E_GRAPH', `${name}: bias must be [${outChannels}], got ${shapeString(bias.shape)}`);
  }
  const s = opts.stride ?? 1;
  const d = opts.dilation ?? 1;
  const op = opts.outputPadding ?? 0;
  const p = pads2d(opts.pads ?? 0);
  const inputs = [x, g.float(`${name}.weight`, weight.shape, weight.data)];
  if (bias) inputs.push(g.float(`${name}.bias`, bias.shape, bias.data));
  return g.node('ConvTranspose', name, inputs, {
    kernel_shape: attr.ints(weight.shape.slice(2)),
    strides: attr.ints([s, s]),
    pads: attr.ints([p.top, p.left, p.bottom, p.right]),
    output_padding: attr.ints([op, op]),
    dilations: attr.ints([d, d]),
    group: attr.int(group),
  });
}

/** Output [N, out, H', W'] with H' = (H-1)*s - pads + d*(k-1) + output_padding + 1. */
export function convTransposeOutputShape(
  input: readonly number[],
  weightShape: readonly number[],
  opts: ConvTransposeOptions = {},
): number[] {
  const p = pads2d(opts.pads ?? 0);
  const s = opts.stride ?? 1;
  const d = opts.dilation ?? 1;
  const op = opts.outputPadding ?? 0;
  const out = (size: number, k: number, before: number, after: number): number => (size - 1) * s - before - after + d * (k - 1) + op + 1;
  return [
    input[0]!,
    weightShape[1]! * (opts.group ?? 1),
    out(input[2]!, weightShape[2]!, p.top, p.bottom),
    out(input[3]!, weightShape[3]!, p.left, p.right),
  ];
}
