/**
 * Inference BatchNormalization from running statistics: scale * (x - mean) / sqrt(var + eps) + bias.
 * Without affine parameters (PyTorch BatchNorm2d(affine=False), SPADE's param-free norm) scale/bias are
 * shared ones/zeros constants. Opsets 11-17 all accept this 5-input, 1-output form.
 */
import { attr, GcError, type GraphBuilder, shapeString, type Tensor } from '@gc-edge/core';
import { constFloat } from './constants';

export interface BatchNormStats {
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  /** Affine weight (gamma); omitted = ones. */
  readonly weight?: Tensor;
  /** Affine bias (beta); omitted = zeros. */
  readonly bias?: Tensor;
}

export function batchNorm(g: GraphBuilder, name: string, x: string, stats: BatchNormStats, eps = 1e-5): string {
  const c = stats.runningMean.shape[0]!;
  const parts: [string, Tensor | undefined][] = [
    ['running_mean', stats.runningMean],
    ['running_var', stats.runningVar],
    ['weight', stats.weight],
    ['bias', stats.bias],
  ];
  for (const [what, t] of parts) {
    if (t && (t.shape.length !== 1 || t.shape[0] !== c)) {
      throw new GcError('E_GRAPH', `${name}: ${what} must be [${c}] like running_mean, got ${shapeString(t.shape)}`);
    }
  }
  const scale = stats.weight ? g.float(`${name}.weight`, [c], stats.weight.data) : constFloat(g, [c], 1);
  const bias = stats.bias ? g.float(`${name}.bias`, [c], stats.bias.data) : constFloat(g, [c], 0);
  const mean = g.float(`${name}.running_mean`, [c], stats.runningMean.data);
  const variance = g.float(`${name}.running_var`, [c], stats.runningVar.data);
  return g.node('BatchNormalization', name, [x, scale, bias, mean, variance], { epsilon: attr.float(eps) });
}
