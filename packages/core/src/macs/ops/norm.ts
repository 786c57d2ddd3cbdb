/**
 * Normalisations: InstanceNormalization, BatchNormalization, LayerNormalization.
 * paper (torchprofile 2020): instance/layer norm 1 MAC per output element; batch norm 0 (it folds into
 * the preceding conv at inference).
 * exact: instance/layer norm 3 per element (sum for the mean, sum of squares for the variance, the
 * fused scale-and-shift); batch norm 1 per element (the fused scale-and-shift with running stats).
 * Parameters: scale and bias, unless they are the all-ones / all-zeros pair a node without affine
 * needs (upstream's InstanceNorm2d(affine=False), SPADE's param-free BatchNorm). Running mean and
 * variance are statistics, never parameters.
 */
import { numel } from '../../tensor/tensor';
import type { NodeContext, OpRule, Value } from '../types';
import { input, value } from '../values';

function sameAsInput(ctx: NodeContext): Value[] {
  const x = input(ctx, 0, 'input X');
  return [value(x.shape, 'float')];
}

function allEqual(v: Value | undefined, k: number): boolean {
  if (!v || !v.data) return false;
  for (let i = 0; i < v.data.length; i++) if (v.data[i] !== k) return false;
  return true;
}

/** Scale and bias count as parameters unless they are the identity pair (ones, zeros). */
function affineInputs(ctx: NodeContext): readonly number[] {
  const scale = ctx.inputs[1];
  const bias = ctx.inputs[2];
  const identityScale = scale === undefined || allEqual(scale, 1);
  const identityBias = bias === undefined || allEqual(bias, 0);
  return identityScale && identityBias ? [] : [1, 2];
}

export const instanceNormRule: OpRule = {
  opTypes: ['InstanceNormalization'],
  infer: sameAsInput,
  macs: (_ctx, outputs, convention) => (convention === 'paper' ? 1 : 3) * numel(outputs[0]!.shape),
  learnedInputs: affineInputs,
};

export const layerNormRule: OpRule = {
  opTypes: ['LayerNormalization'],
  infer: sameAsInput,
  macs: (_ctx, outputs, convention) => (convention === 'paper' ? 1 : 3) * numel(outputs[0]!.shape),
  learnedInputs: affineInputs,
};

export const batchNormRule: OpRule = {
  opTypes: ['BatchNormalization'],
  infer(ctx) {
    const x = input(ctx, 0, 'input X');
    const c = x.shape[1] ?? 1;
    // training-mode exports also output running mean / variance
    return ctx.node.outputs.map((_, i) => (i === 0 ? value(x.shape, 'float') : value([c], 'float')));
  },
  macs: (_ctx, outputs, convention) => (convention === 'paper' ? 0 : numel(outputs[0]!.shape)),
  learnedInputs: affineInputs,
};
