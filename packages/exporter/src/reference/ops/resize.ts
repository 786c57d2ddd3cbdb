/**
 * Resize, mode 'nearest' only, with every coordinate_transformation_mode except tf_crop_and_resize
 * and every nearest_mode. Output size from `sizes` when given, else floor(in * scale).
 */
import { type GraphNode, shapeString } from '@gc-edge/core';
import { input, refError, stringAttr } from '../node-access';
import type { RefTensor } from '../tensor';
import { gatherAxes } from './gather';

function originalCoordinate(mode: string, o: number, scale: number, inSize: number, outSize: number): number | undefined {
  switch (mode) {
    case 'asymmetric':
      return o / scale;
    case 'half_pixel':
      return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel':
      return outSize > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1);
    case 'tf_half_pixel_for_nn':
      return (o + 0.5) / scale;
    default:
      return undefined;
  }
}

function roundNearest(mode: string, x: number): number | undefined {
  switch (mode) {
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'round_prefer_floor':
      return x - Math.floor(x) === 0.5 ? Math.floor(x) : Math.round(x);
    case 'round_prefer_ceil':
      return Math.round(x); // JS rounds .5 up
    default:
      return undefined;
  }
}

export function resize(node: GraphNode, inputs: readonly (RefTensor | undefined)[]): RefTensor[] {
  const x = input(node, inputs, 0, 'X');
  const mode = stringAttr(node, 'mode', 'nearest');
  if (mode !== 'nearest') throw refError(node, `mode ${mode} is not implemented (nearest is)`);
  const ctm = stringAttr(node, 'coordinate_transformation_mode', 'half_pixel');
  const nearest = stringAttr(node, 'nearest_mode', 'round_prefer_floor');
  const rank = x.dims.length;
  const sizes = inputs[3] && inputs[3].data.length > 0 ? Array.from(inputs[3].data) : undefined;
  const scalesIn = inputs[2] && inputs[2].data.length > 0 ? Array.from(inputs[2].data) : undefined;
  const given = sizes ?? scalesIn; // the scales whenever there are no sizes
  if (!given) throw refError(node, 'needs either scales or sizes');
  if (given.length !== rank) {
    throw refError(node, `${sizes ? 'sizes' : 'scales'} has ${given.length} entries, X ${shapeString(x.dims)} needs ${rank}`);
  }
  const outDims = sizes ?? x.dims.map((d, a) => Math.floor(d * given[a]!));
  const maps = x.dims.map((n, a) => {
    const outSize = outDims[a]!;
    const scale = sizes ? outSize / n : given[a]!;
    if (!(scale > 0)) throw refError(node, `scale ${scale} on axis ${a} must be positive`);
    const map = new Int32Array(outSize);
    for (let o = 0; o < outSize; o++) {
      const c = originalCoordinate(ctm, o, scale, n, outSize);
      if (c === undefined) throw refError(node, `coordinate_transformation_mode ${ctm} is not implemented`);
      const r = roundNearest(nearest, c);
      if (r === undefined) throw refError(node, `nearest_mode ${nearest} is not one of floor, ceil, round_prefer_floor, round_prefer_ceil`);
      map[o] = Math.min(Math.max(r, 0), n - 1);
    }
    return map;
  });
  return [gatherAxes(x, outDims, maps, 0)];
}
