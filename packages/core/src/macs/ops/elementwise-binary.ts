/**
 * Element-wise ops with broadcasting: arithmetic (Add, Sub, Mul, Div, Pow, Max, Min, Sum, Mean),
 * comparisons and logic, Where. Small constants are folded (shape arithmetic in torch exports).
 * paper: Mul 1 MAC per output element (torchprofile's aten::mul), every other one 0.
 * exact: every arithmetic op 1 per output element (a variadic one: inputs - 1); comparisons,
 * logic and Where 0.
 */
import { numel } from '../../tensor/tensor';
import type { NodeContext, OpRule, Value, ValueDtype } from '../types';
import { broadcastEval, broadcastShapes, canFold, graphError, value } from '../values';

type Fold = (xs: number[], isInt: boolean) => number;

/** A fold of a two-input op: xs holds one element of each broadcast input. */
const two =
  (f: (a: number, b: number, isInt: boolean) => number): Fold =>
  (xs, isInt) =>
    f(xs[0]!, xs[1]!, isInt);

const ARITHMETIC: Readonly<Record<string, Fold>> = {
  Add: (xs) => xs.reduce((a, b) => a + b, 0),
  Sum: (xs) => xs.reduce((a, b) => a + b, 0),
  Mean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  Sub: two((a, b) => a - b),
  Mul: two((a, b) => a * b),
  Div: two((a, b, isInt) => (isInt ? Math.trunc(a / b) : a / b)),
  Pow: two((a, b) => a ** b),
  Mod: two((a, b) => a % b),
  Max: (xs) => Math.max(...xs),
  Min: (xs) => Math.min(...xs),
};

const LOGIC: Readonly<Record<string, Fold>> = {
  Equal: ([a, b]) => Number(a === b),
  Less: two((a, b) => Number(a < b)),
  LessOrEqual: two((a, b) => Number(a <= b)),
  Greater: two((a, b) => Number(a > b)),
  GreaterOrEqual: two((a, b) => Number(a >= b)),
  And: ([a, b]) => Number(Boolean(a) && Boolean(b)),
  Or: ([a, b]) => Number(Boolean(a) || Boolean(b)),
  Xor: ([a, b]) => Number(Boolean(a) !== Boolean(b)),
  Where: ([c, a, b]) => (c ? a! : b!),
};

function infer(ctx: NodeContext): Value[] {
  const op = ctx.node.opType;
  const args: Value[] = [];
  ctx.inputs.forEach((v, i) => {
    if (!v) throw graphError(ctx, `input ${i} is missing`);
    args.push(v);
  });
  if (args.length === 0) throw graphError(ctx, 'has no inputs');
  const shape = broadcastShapes(ctx, args.map((a) => a.shape));
  const valueArgs = op === 'Where' ? args.slice(1) : args;
  let dtype: ValueDtype = valueArgs.some((a) => a.dtype === 'float') ? 'float' : valueArgs[0]!.dtype;
  if (op in LOGIC && op !== 'Where') dtype = 'bool';
  const fold = ARITHMETIC[op] ?? LOGIC[op];
  const data =
    fold !== undefined && canFold(args) && numel(shape) <= 4096 ? broadcastEval(shape, args, (xs) => fold(xs, dtype === 'int')) : undefined;
  return [value(shape, dtype, data)];
}

export const binaryRule: OpRule = {
  opTypes: [...Object.keys(ARITHMETIC), ...Object.keys(LOGIC)],
  infer,
  macs(ctx, outputs, convention) {
    const op = ctx.node.opType;
    const n = numel(outputs[0]!.shape);
    if (convention === 'paper') return op === 'Mul' ? n : 0;
    if (!(op in ARITHMETIC)) return 0;
    return n * Math.max(1, ctx.inputs.length - 1);
  },
};
