/**
 * What precision a model computes in, as optional metadata keys beside the model contract (a
 * contract-1 reader ignores them; a file without them is fp32):
 *
 *   gc_edge.precision = fp16            the precision of the bulk of the graph: fp32 | fp16
 *   gc_edge.precision.io = fp32         the graph inputs' and outputs' element type: fp32 | fp16
 *   gc_edge.precision.kept_fp32 = model.2.norm,model.27.tanh
 *                                       the nodes left in float32 (comma-separated names), in graph order
 *
 * docs/model-contract.md and docs/precision.md describe them.
 */
import { GcError } from '../errors';

export const PRECISIONS = ['fp32', 'fp16'] as const;
export type Precision = (typeof PRECISIONS)[number];

export interface ModelPrecision {
  readonly precision: Precision;
  readonly io: Precision;
  /** Nodes kept in float32 in a reduced-precision graph, by name, in graph order. */
  readonly keptFp32: readonly string[];
}

export const PRECISION_KEY = 'gc_edge.precision';
export const PRECISION_IO_KEY = 'gc_edge.precision.io';
export const PRECISION_KEPT_KEY = 'gc_edge.precision.kept_fp32';

/** The precision as metadata_props entries. */
export function encodePrecision(p: ModelPrecision): Record<string, string> {
  return { [PRECISION_KEY]: p.precision, [PRECISION_IO_KEY]: p.io, [PRECISION_KEPT_KEY]: p.keptFp32.join(',') };
}

function oneOf(md: Readonly<Record<string, string>>, key: string, where: string): Precision {
  const v = md[key] ?? 'fp32';
  if ((PRECISIONS as readonly string[]).includes(v)) return v as Precision;
  throw new GcError('E_MODEL_CONTRACT', `${where}: ${key} is '${v}'; expected one of: ${PRECISIONS.join(', ')}`, {
    hint: 're-export the model with gc-export (docs/precision.md)',
  });
}

/** The precision a model's metadata declares; fp32 throughout when it declares none. */
export function decodePrecision(md: Readonly<Record<string, string>>, where = 'model'): ModelPrecision {
  const kept = md[PRECISION_KEPT_KEY] ?? '';
  return {
    precision: oneOf(md, PRECISION_KEY, where),
    io: oneOf(md, PRECISION_IO_KEY, where),
    keptFp32: kept === '' ? [] : kept.split(','),
  };
}
