/**
 * One-input element-wise ops (activations, Clip, Identity, Cast, rounding...): the output has the
 * input's shape; small constants are folded (shape arithmetic in torch exports).
 * paper: 0 MACs (torchprofile counts no activation). exact: LeakyRelu / PRelu / HardSigmoid one
 * multiply per output element; comparisons and transcendental functions are not counted as MACs.
 */
import { numel } from '../../tensor/tensor';
import type { NodeContext, OpRule, Value, ValueDtype } from '../types';
import { attrFloat, attrInt, foldable, input, value } from '../values';

type Fold = (x: number, ctx: NodeContext) => number;

const FOLDS: Readonly<Record<string, Fold>> = {
  Identity: (x) => x,
  Neg: (x) => -x,
  Abs: (x) => Math.abs(x),
  Floor: (x) => Math.floor(x),
  Ceil: (x) => Math.ceil(x),
  Round: (x) => {
    const r = Math.round(x); // ONNX rounds half to even
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  Sqrt: (x) => Math.sqrt(x),
  Relu: (x) => Math.max(0, x),
  Not: (x) => (x ? 0 : 1),
  Reciprocal: (x) => 1 / x,
  Cast: (x) => x,
};

/** ONNX TensorProto data types -> our coarse dtypes, for Cast. */
function castDtype(to: number): ValueDtype {
  if (to === 9) return 'bool';
  if ([1, 10, 11, 16].includes(to)) return 'float';
  return 'int';
}

const MULTIPLY_PER_ELEMENT = new Set(['LeakyRelu', 'PRelu', 'HardSigmoid']);

function infer(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'input');
  let dtype: ValueDtype = x.dtype;
  if (ctx.node.opType === 'Cast') dtype = castDtype(attrInt(ctx, 'to', 1));
  if (ctx.node.opType === 'Not') dtype = 'bool';
  const fold = FOLDS[ctx.node.opType];
  let data: number[] | undefined;
  if (fold && foldable(x)) {
    data = Array.from(x.data, (v) => fold(v, ctx));
    if (dtype === 'int') data = data.map((v) => Math.trunc(v));
  } else if (ctx.node.opType === 'Clip' && foldable(x)) {
    const lo = ctx.inputs[1]?.data?.[0] ?? attrFloat(ctx, 'min', -Infinity);
    const hi = ctx.inputs[2]?.data?.[0] ?? attrFloat(ctx, 'max', Infinity);
    data = Array.from(x.data, (v) => Math.min(hi, Math.max(lo, v)));
  }
  const outs = [value(x.shape, dtype, data)];
  // Dropout's optional mask output
  for (let i = 1; i < ctx.node.outputs.length; i++) outs.push(value(x.shape, 'bool'));
  return outs;
}

export const unaryRule: OpRule = {
  opTypes: [
    'Identity', 'Relu', 'LeakyRelu', 'PRelu', 'Tanh', 'Sigmoid', 'HardSigmoid', 'Clip', 'Cast', 'Neg', 'Abs',
    'Exp', 'Log', 'Sqrt', 'Floor', 'Ceil', 'Round', 'Erf', 'Elu', 'Selu', 'Softplus', 'Softsign', 'Dropout',
    'Not', 'Reciprocal', 'Sin', 'Cos',
  ],
  infer,
  macs(ctx, outputs, convention) {
    if (convention === 'paper' || !MULTIPLY_PER_ELEMENT.has(ctx.node.opType)) return 0;
    return numel(outputs[0]!.shape);
  },
  // PRelu's slope is learned
  learnedInputs: (ctx) => (ctx.node.opType === 'PRelu' ? [1] : []),
};
