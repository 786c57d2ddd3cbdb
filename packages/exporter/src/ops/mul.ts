/** Mul with numpy-style (multidirectional) broadcasting; SPADE's x * (1 + gamma). */
import type { GraphBuilder } from '@gc-edge/core';

export function mul(g: GraphBuilder, name: string, a: string, b: string): string {
  return g.node('Mul', name, [a, b]);
}
