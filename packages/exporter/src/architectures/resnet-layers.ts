/**
 * The layers the ResNet generator family shares (upstream ResnetGenerator, MobileResnetGenerator and
 * their sub-generators): clamp, 7x7 stem, stride-2 down/up sampling, separable conv, 7x7 head.
 * Every InstanceNorm is PyTorch's default InstanceNorm2d: eps 1e-5, no affine, no running stats.
 */
import type { GraphBuilder, Tensor } from '@gc-edge/core';
import { clip, conv, convTranspose, instanceNorm, pad, relu, tanh } from '../ops';

export interface ConvParams {
  readonly weight: Tensor;
  readonly bias?: Tensor;
}

/** `input.clamp(-1, 1)` of the sub-generators' forward. */
export function clampInput(g: GraphBuilder, x: string): string {
  return clip(g, 'input.clip', x, -1, 1);
}

/** ReflectionPad2d(3), Conv 7x7, InstanceNorm, ReLU. */
export function stem(g: GraphBuilder, x: string, p: ConvParams): string {
  const padded = pad(g, 'stem.pad', x, 3, 'reflect');
  const y = conv(g, 'stem.conv', padded, p.weight, p.bias);
  return relu(g, 'stem.relu', instanceNorm(g, 'stem.norm', y, p.weight.shape[0]!));
}

/** Conv 3x3 stride 2 pad 1 (zero padding), InstanceNorm, ReLU. */
export function downsample(g: GraphBuilder, name: string, x: string, p: ConvParams): string {
  const y = conv(g, `${name}.conv`, x, p.weight, p.bias, { stride: 2, pads: 1 });
  return relu(g, `${name}.relu`, instanceNorm(g, `${name}.norm`, y, p.weight.shape[0]!));
}

/** ConvTranspose 3x3 stride 2 pad 1 output_padding 1 (H -> 2H), InstanceNorm, ReLU. */
export function upsample(g: GraphBuilder, name: string, x: string, p: ConvParams): string {
  const y = convTranspose(g, `${name}.conv_transpose`, x, p.weight, p.bias, { stride: 2, pads: 1, outputPadding: 1 });
  return relu(g, `${name}.relu`, instanceNorm(g, `${name}.norm`, y, p.weight.shape[1]!));
}

/** ReflectionPad2d(3), Conv 7x7, Tanh. */
export function head(g: GraphBuilder, x: string, p: ConvParams): string {
  const padded = pad(g, 'head.pad', x, 3, 'reflect');
  return tanh(g, 'head.tanh', conv(g, 'head.conv', padded, p.weight, p.bias));
}

/**
 * Upstream SeparableConv2d (padding 0; the block pads before it): depthwise 3x3 (group = channels),
 * InstanceNorm, pointwise 1x1.
 */
export function separableConv(g: GraphBuilder, name: string, x: string, depthwise: ConvParams, pointwise: ConvParams): string {
  const channels = depthwise.weight.shape[0]!;
  const dw = conv(g, `${name}.depthwise`, x, depthwise.weight, depthwise.bias, { group: channels });
  const normed = instanceNorm(g, `${name}.norm`, dw, channels);
  return conv(g, `${name}.pointwise`, normed, pointwise.weight, pointwise.bias);
}

/** ReflectionPad2d(1) before a 3x3 conv of a residual block. */
export function reflectPad1(g: GraphBuilder, name: string, x: string): string {
  return pad(g, name, x, 1, 'reflect');
}
