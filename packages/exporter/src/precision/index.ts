/**
 * A finished float32 model in the precision gc-export was asked for: fp32 as built, or fp16 by the
 * graph pass (`fp16-pass.ts`), with the precision keys in its metadata (`gc_edge.precision`,
 * `.io`, `.kept_fp32`: docs/model-contract.md).
 */
import { encodePrecision, type Model, type ModelPrecision, type Precision } from '@gc-edge/core';
import { toFp16, type Fp16Options } from './fp16-pass';

export { DEFAULT_KEPT_OPS, toFp16 } from './fp16-pass';
export type { Fp16Options, Fp16Result } from './fp16-pass';

export interface PrecisionOptions extends Fp16Options {
  readonly precision?: Precision;
}

/** The model in `options.precision` (fp32: unchanged), and what it keeps in float32. */
export function withPrecision(model: Model, options: PrecisionOptions = {}): { model: Model; precision: ModelPrecision } {
  const precision = options.precision ?? 'fp32';
  const io = options.io ?? 'fp32';
  if (precision === 'fp32') {
    if (io !== 'fp32') throw new Error('withPrecision: float16 inputs and outputs need --precision fp16');
    return { model, precision: { precision, io, keptFp32: [] } };
  }
  const { graph, keptFp32 } = toFp16(model.graph, options);
  const declared: ModelPrecision = { precision, io, keptFp32 };
  return { model: { ...model, graph, metadata: { ...model.metadata, ...encodePrecision(declared) } }, precision: declared };
}
