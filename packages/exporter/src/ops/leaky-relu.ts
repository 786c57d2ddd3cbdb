/** LeakyRelu: x < 0 ? alpha * x : x (PyTorch's default slope 0.01; SPADE's discriminators use 0.2). */
import { attr, type GraphBuilder } from '@gc-edge/core';

export function leakyRelu(g: GraphBuilder, name: string, x: string, alpha = 0.01): string {
  return g.node('LeakyRelu', name, [x], { alpha: attr.float(alpha) });
}
