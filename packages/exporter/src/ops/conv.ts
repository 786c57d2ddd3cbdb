/**
 * Conv (2-D, NCHW). Weight [out, in/group, kH, kW] and optional bias [out] become initializers named
 * `<node>.weight` / `<node>.bias`. Depthwise convolution is `group = channels`.
 */
import { attr, GcError, type GraphBuilder, shapeString, type Tensor } from '@gc-edge/core';
import { onnxPads, pads2d, type Pads2d } from './pad';

export interface ConvOptions {
  readonly stride?: number;
  readonly pads?: number | Pads2d;
  readonly dilation?: number;
  readonly group?: number;
}

function checkConv(name: string, weight: Tensor, bias: Tensor | undefined, group: number): void {
  if (weight.shape.length !== 4) {
    throw new GcError('E_GRAPH', `${name}: conv weight must be 4-D [out, in/group, kH, kW], got ${shapeString(weight.shape)}`);
  }
  if (!Number.isInteger(group) || group < 1 || weight.shape[0]! % group !== 0) {
    throw new GcError('E_GRAPH', `${name}: group ${group} must divide the ${weight.shape[0]} output channels`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new GcError('E_GRAPH', `${name}: bias must be [${weight.shape[0]}], got ${shapeString(bias.shape)}`);
  }
}

export function conv(g: GraphBuilder, name: string, x: string, weight: Tensor, bias: Tensor | undefined, opts: ConvOptions = {}): string {
  const group = opts.group ?? 1;
  checkConv(name, weight, bias, group);
  const stride = opts.stride ?? 1;
  const dilation = opts.dilation ?? 1;
  const p = onnxPads(pads2d(opts.pads ?? 0));
  const inputs = [x, g.float(`${name}.weight`, weight.shape, weight.data)];
  if (bias) inputs.push(g.float(`${name}.bias`, bias.shape, bias.data));
  return g.node('Conv', name, inputs, {
    kernel_shape: attr.ints(weight.shape.slice(2)),
    strides: attr.ints([stride, stride]),
    pads: attr.ints([p[2]!, p[3]!, p[6]!, p[7]!]),
    dilations: attr.ints([dilation, dilation]),
    group: attr.int(group),
  });
}
