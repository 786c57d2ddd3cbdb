/** Pad: constant / reflect / edge, pads from the `pads` input (opset 11+) or attribute (older). */
import { type GraphNode, shapeString } from '@gc-edge/core';
import { input, refError, stringAttr, intsAttr, floatAttr } from '../node-access';
import type { RefTensor } from '../tensor';
import { gatherAxes } from './gather';

/** Source index for output position o of an axis of length n padded by `before` (-1 = fill). */
function sourceIndex(mode: string, o: number, before: number, n: number): number {
  const i = o - before;
  if (i >= 0 && i < n) return i;
  if (mode === 'constant') return -1;
  if (mode === 'edge') return i < 0 ? 0 : n - 1;
  return i < 0 ? -i : 2 * (n - 1) - i; // reflect: mirror without repeating the edge
}

export function pad(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  const x = input(node, inputs, 0, 'data');
  const rank = x.dims.length;
  const mode = stringAttr(node, 'mode', 'constant');
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') {
    throw refError(node, `mode ${mode} is not one of constant, reflect, edge`);
  }
  if (inputs[3]) throw refError(node, 'the axes input (opset 18) is not implemented');
  const pads = inputs[1] ? Array.from(inputs[1].data) : intsAttr(node, 'pads', []);
  if (pads.length !== 2 * rank) throw refError(node, `pads has ${pads.length} entries, data ${shapeString(x.dims)} needs ${2 * rank}`);
  const value = inputs[2] ? inputs[2].data[0]! : floatAttr(node, 'value', 0);
  const outDims = x.dims.map((d, a) => d + pads[a]! + pads[a + rank]!);
  const maps = x.dims.map((n, a) => {
    const before = pads[a]!;
    const after = pads[a + rank]!;
    if (outDims[a]! < 0) throw refError(node, `pads [${pads.join(', ')}] crop axis ${a} of ${shapeString(x.dims)} below zero`);
    if (mode === 'reflect' && (before > n - 1 || after > n - 1)) {
      throw refError(node, `reflect pads ${before}/${after} on axis ${a} must be smaller than its size ${n}`);
    }
    if (mode === 'edge' && n === 0 && before + after > 0) throw refError(node, `edge padding of the empty axis ${a}`);
    const map = new Int32Array(outDims[a]!);
    for (let o = 0; o < map.length; o++) map[o] = sourceIndex(mode, o, before, n);
    return map;
  });
  return [gatherAxes(x, outDims, maps, value)];
}
