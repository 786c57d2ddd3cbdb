/**
 * Pad of the two spatial axes of an NCHW tensor. From opset 11 on (`g.opset`) `pads` is an int64 input
 * ([n0, c0, top, left, n1, c1, bottom, right]); `reflect` mirrors without repeating the edge, like
 * PyTorch's ReflectionPad2d (which needs each pad smaller than the padded size).
 */
import { attr, type GraphBuilder } from '@gc-edge/core';
import { constFloat, constInt64s } from './constants';
import { checkOpset } from './opset';

export type PadMode = 'reflect' | 'constant' | 'edge';

export interface Pads2d {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

export function pads2d(p: number | Pads2d): Pads2d {
  return typeof p === 'number' ? { top: p, bottom: p, left: p, right: p } : p;
}

/** ONNX `pads` for a 4-D tensor padded on H and W only. */
export function onnxPads(p: Pads2d): number[] {
  return [0, 0, p.top, p.left, 0, 0, p.bottom, p.right];
}

export function pad(
  g: GraphBuilder,
  name: string,
  x: string,
  amount: number | Pads2d,
  mode: PadMode = 'reflect',
  value = 0,
): string {
  checkOpset(g.opset, name);
  const p = pads2d(amount);
  const pads = onnxPads(p);
  const padsName = constInt64s(g, `pads.${pads.join('_')}`, pads);
  const inputs = mode === 'constant' && value !== 0 ? [x, padsName, constFloat(g, [], value)] : [x, padsName];
  return g.node('Pad', name, inputs, { mode: attr.string(mode) });
}
