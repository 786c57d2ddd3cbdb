/** Concat along `axis` (folded on small constants: torch's pad-spec arithmetic). 0 MACs. */
import { shapeString } from '../../tensor/tensor';
import { concatData } from '../fold';
import type { NodeContext, OpRule, Value } from '../types';
import { attrInt, axis, canFold, graphError, value } from '../values';

function infer(ctx: NodeContext): Value[] {
  const parts = ctx.inputs.filter((v): v is Value => v !== undefined);
  const first = parts[0];
  if (!first) throw graphError(ctx, 'has no inputs');
  const rank = first.shape.length;
  const a = axis(ctx, attrInt(ctx, 'axis', 0), rank);
  const out = [...first.shape];
  out[a] = 0;
  for (const p of parts) {
    const mismatch = p.shape.length !== rank || p.shape.some((d, i) => i !== a && d !== first.shape[i]);
    if (mismatch) throw graphError(ctx, `cannot concatenate ${parts.map((q) => shapeString(q.shape)).join(' and ')} on axis ${a}`);
    out[a] += p.shape[a]!;
  }
  const dtype = parts.some((p) => p.dtype === 'float') ? 'float' : first.dtype;
  const data = canFold(parts) ? concatData(parts, a) : undefined;
  return [value(out, dtype, data)];
}

export const concatRule: OpRule = { opTypes: ['Concat'], infer };
