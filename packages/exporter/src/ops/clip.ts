/** Clip. From opset 11 on (all we emit: `g.opset`) min and max are scalar float inputs, not attributes. */
import type { GraphBuilder } from '@gc-edge/core';
import { constFloat } from './constants';
import { checkOpset } from './opset';

export function clip(g: GraphBuilder, name: string, x: string, min: number, max: number): string {
  checkOpset(g.opset, name);
  return g.node('Clip', name, [x, constFloat(g, [], min), constFloat(g, [], max)]);
}
