/** Tanh. */
import type { GraphBuilder } from '@gc-edge/core';

export function tanh(g: GraphBuilder, name: string, x: string): string {
  return g.node('Tanh', name, [x]);
}
