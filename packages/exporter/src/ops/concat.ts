/** Concat along `axis` (1 = channels for NCHW). */
import { GcError } from '../errors';
import { attr, type GraphBuilder } from '../onnx/graph';

export function concat(g: GraphBuilder, name: string, inputs: readonly string[], axis = 1): string {
  if (inputs.length === 0) throw new GcError('E_GRAPH', `${name}: concat needs at least one input`);
  return g.node('Concat', name, inputs, { axis: attr.int(axis) });
}
