/**
 * The size a dynamic model was exported at. gc-export records the concrete input shape its MACs were
 * counted at (`macs_input_shape`, e.g. `1x3x256x256`); tools that must pick a size for symbolic dims
 * (gc-bench's MAC count and latency run) take it unless told otherwise.
 */
import type { Model, ValueInfo } from '../onnx/graph';
import type { ShapeOverrides } from './types';

export const EXPORT_SHAPE_METADATA = 'macs_input_shape';

/** Parses `1x3x256x256`; undefined for anything else (empty, zero or non-numeric dims). */
export function parseShapeString(s: string | undefined): number[] | undefined {
  if (s === undefined || !/^[1-9]\d{0,8}(x[1-9]\d{0,8})*$/.test(s.trim())) return undefined;
  return s.trim().split('x').map(Number);
}

/**
 * `shapes` plus, for every symbolic dim of the first input that `shapes` leaves open, its size in the
 * recorded export shape. Nothing is added when the record is missing or does not fit the input (rank,
 * fixed dims), or when `shapes` gives the whole first input.
 */
export function withExportShape(
  model: Pick<Model, 'metadata'> & { graph: { inputs: readonly ValueInfo[] } },
  shapes: ShapeOverrides,
): ShapeOverrides {
  const first = model.graph.inputs[0];
  const recorded = parseShapeString(model.metadata[EXPORT_SHAPE_METADATA]);
  if (!first || !recorded || shapes[first.name] !== undefined || recorded.length !== first.shape.length) return shapes;
  if (first.shape.some((d, k) => typeof d === 'number' && d !== recorded[k])) return shapes;
  const out: Record<string, readonly number[] | number> = { ...shapes };
  first.shape.forEach((d, k) => {
    const size = recorded[k];
    if (typeof d === 'string' && out[d] === undefined && size !== undefined) out[d] = size;
  });
  return out;
}
