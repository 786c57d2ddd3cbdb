/** Add with numpy-style (multidirectional) broadcasting; the residual connection of resnet blocks. */
import type { GraphBuilder } from '@gc-edge/core';

export function add(g: GraphBuilder, name: string, a: string, b: string): string {
  return g.node('Add', name, [a, b]);
}
