/** Small helpers over `Value`s: attribute access, broadcasting, checks with context. */
import { GcError } from '../errors';
import type { AttributeValue } from '../onnx/graph';
import { numel } from '../tensor/tensor';
import type { NodeContext, Value, ValueDtype } from './types';

export function graphError(ctx: NodeContext, what: string): GcError {
  return new GcError('E_GRAPH', `${ctx.where}: ${what}`);
}

/** The i-th input, which the op requires. */
export function input(ctx: NodeContext, i: number, what = `input ${i}`): Value {
  const v = ctx.inputs[i];
  if (!v) throw graphError(ctx, `${what} is missing`);
  return v;
}

/** The i-th input's data, which must be known statically (a shape constant, pads, scales...). */
export function constData(ctx: NodeContext, i: number, what = `input ${i}`): ArrayLike<number> {
  const v = input(ctx, i, what);
  if (!v.data) throw graphError(ctx, `${what} must be a constant for static shape inference, but it is computed at run time`);
  return v.data;
}

export function attrInt(ctx: NodeContext, name: string, fallback: number): number {
  const a = ctx.node.attributes[name];
  return a && a.type === 'int' ? a.value : fallback;
}

export function attrFloat(ctx: NodeContext, name: string, fallback: number): number {
  const a = ctx.node.attributes[name];
  return a && a.type === 'float' ? a.value : fallback;
}

export function attrString(ctx: NodeContext, name: string, fallback: string): string {
  const a = ctx.node.attributes[name];
  return a && a.type === 'string' ? a.value : fallback;
}

export function attrInts(ctx: NodeContext, name: string): readonly number[] | undefined {
  const a: AttributeValue | undefined = ctx.node.attributes[name];
  if (!a) return undefined;
  if (a.type === 'ints') return a.value;
  if (a.type === 'int') return [a.value];
  return undefined;
}

export function attrFloats(ctx: NodeContext, name: string): readonly number[] | undefined {
  const a = ctx.node.attributes[name];
  if (!a) return undefined;
  if (a.type === 'floats') return a.value;
  if (a.type === 'float') return [a.value];
  return undefined;
}

/** Normalises a possibly negative axis against `rank`. */
export function axis(ctx: NodeContext, a: number, rank: number): number {
  const r = a < 0 ? a + rank : a;
  if (r < 0 || r >= rank) throw graphError(ctx, `axis ${a} is out of range for rank ${rank}`);
  return r;
}

/** Numpy-style (multidirectional) broadcasting of shapes. */
export function broadcastShapes(ctx: NodeContext, shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = s.length - rank + i;
      const x = k < 0 ? 1 : s[k]!;
      if (x === 1) continue;
      if (d !== 1 && d !== x) {
        throw graphError(ctx, `shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(' and ')} do not broadcast`);
      }
      d = x;
    }
    out.push(d);
  }
  return out;
}

/** Element-wise evaluation with broadcasting, for folding small constant computations. */
export function broadcastEval(
  shape: readonly number[],
  args: readonly FoldableValue[],
  f: (xs: number[]) => number,
): number[] {
  const n = numel(shape);
  const rank = shape.length;
  const out = new Array<number>(n);
  // strides of each argument in the broadcast output space
  const strides = args.map((a) => {
    const st = new Array<number>(rank).fill(0);
    let s = 1;
    for (let i = a.shape.length - 1; i >= 0; i--) {
      const oi = rank - a.shape.length + i;
      st[oi] = a.shape[i] === 1 ? 0 : s;
      s *= a.shape[i]!;
    }
    return st;
  });
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    const xs = args.map((a, j) => {
      let off = 0;
      for (let i = 0; i < rank; i++) off += idx[i]! * strides[j]![i]!;
      return a.data[off]!;
    });
    out[k] = f(xs);
    for (let i = rank - 1; i >= 0; i--) {
      idx[i]!++;
      if (idx[i]! < shape[i]!) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** Largest constant we fold element by element (shape tensors are tiny; weights are never folded). */
const FOLD_LIMIT = 4096;

/** A value whose data is known and small enough to fold element by element. */
export type FoldableValue = Value & { readonly data: ArrayLike<number> };

export function foldable(v: Value | undefined): v is FoldableValue {
  return v !== undefined && v.data !== undefined && numel(v.shape) <= FOLD_LIMIT;
}

export function canFold(values: readonly (Value | undefined)[]): values is readonly FoldableValue[] {
  return values.every(foldable);
}

export function value(shape: readonly number[], dtype: ValueDtype, data?: ArrayLike<number>): Value {
  return data === undefined ? { shape: [...shape], dtype } : { shape: [...shape], dtype, data };
}
