/**
 * Nearest-neighbour Resize matching PyTorch F.interpolate(mode='nearest'): source index
 * floor(dst / scale) (coordinate_transformation_mode 'asymmetric', nearest_mode 'floor').
 *
 * The inputs differ by opset (`g.opset`): in 11-12 `roi` and `scales` are required inputs (empty tensors when
 * unused); from 13 on they may be omitted with ''. `sizes` is always the full 4-D output shape in
 * 11-17 (the `axes` attribute arrives in 18), so prefer `scales` for graphs with a symbolic batch.
 */
import { attr, GcError, type GraphBuilder } from '@gc-edge/core';
import { constFloats, constInt64s } from './constants';
import { checkOpset } from './opset';

/** Either H/W scale factors, or the full NCHW output size. */
export type ResizeTarget =
  | { readonly scales: readonly [number, number] }
  | { readonly sizes: readonly [number, number, number, number] };

export function resizeNearest(g: GraphBuilder, name: string, x: string, target: ResizeTarget): string {
  const opset = g.opset;
  checkOpset(opset, name);
  const attributes = {
    mode: attr.string('nearest'),
    coordinate_transformation_mode: attr.string('asymmetric'),
    nearest_mode: attr.string('floor'),
  };
  const empty = (): string => constFloats(g, 'empty', [], [0]);
  const omitted = (): string => (opset < 13 ? empty() : '');
  if ('scales' in target) {
    const [sh, sw] = target.scales;
    if (!(sh > 0) || !(sw > 0)) throw new GcError('E_GRAPH', `${name}: resize scales must be positive, got [${sh}, ${sw}]`);
    const scales = constFloats(g, `scales.${sh}_${sw}`, [1, 1, sh, sw]);
    return g.node('Resize', name, [x, omitted(), scales], attributes);
  }
  if (target.sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new GcError('E_GRAPH', `${name}: resize sizes must be positive integers, got [${target.sizes.join(', ')}]`);
  }
  const sizes = constInt64s(g, `sizes.${target.sizes.join('_')}`, target.sizes);
  return g.node('Resize', name, [x, omitted(), omitted(), sizes], attributes);
}
