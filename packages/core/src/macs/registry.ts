/** The one table from ONNX op type to its counting rule. */
import { concatRule } from './ops/concat';
import { constantOfShapeRule, constantRule, rangeRule, shapeRule } from './ops/constant';
import { convRule } from './ops/conv';
import { convTransposeRule } from './ops/conv-transpose';
import { binaryRule } from './ops/elementwise-binary';
import { unaryRule } from './ops/elementwise-unary';
import { gatherRule, sliceRule, transposeRule } from './ops/indexing';
import { gemmRule, matmulRule } from './ops/matmul';
import { batchNormRule, instanceNormRule, layerNormRule } from './ops/norm';
import { padRule } from './ops/pad';
import { expandRule, flattenRule, reshapeRule, squeezeRule, unsqueezeRule } from './ops/reshape';
import { resizeRule } from './ops/resize';
import type { OpRule } from './types';

const RULES: readonly OpRule[] = [
  convRule,
  convTransposeRule,
  instanceNormRule,
  batchNormRule,
  layerNormRule,
  unaryRule,
  binaryRule,
  resizeRule,
  padRule,
  concatRule,
  matmulRule,
  gemmRule,
  constantRule,
  constantOfShapeRule,
  shapeRule,
  rangeRule,
  reshapeRule,
  flattenRule,
  squeezeRule,
  unsqueezeRule,
  expandRule,
  sliceRule,
  gatherRule,
  transposeRule,
];

export const OP_RULES: ReadonlyMap<string, OpRule> = new Map(RULES.flatMap((r) => r.opTypes.map((t) => [t, r] as const)));

/** Op types the counter understands, sorted (for error messages and docs). */
export function supportedOps(): string[] {
  return [...OP_RULES.keys()].sort();
}
