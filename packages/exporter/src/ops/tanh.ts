/** Tanh. */
import type { GraphBuilder } from '../onnx/graph';

export function tanh(g: GraphBuilder, name: string, x: string): string {
  return g.node('Tanh', name, [x]);
}
