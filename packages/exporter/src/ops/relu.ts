/** Relu: max(x, 0). */
import type { GraphBuilder } from '@gc-edge/core';

export function relu(g: GraphBuilder, name: string, x: string): string {
  return g.node('Relu', name, [x]);
}
