/** Concat along `axis` (1 = channels for NCHW). */
import { attr, GcError, type GraphBuilder } from '@gc-edge/core';

export function concat(g: GraphBuilder, name: string, inputs: readonly string[], axis = 1): string {
  if (inputs.length === 0) throw new GcError('E_GRAPH', `${name}: concat needs at least one input`);
  return g.node('Concat', name, inputs, { axis: attr.int(axis) });
}
