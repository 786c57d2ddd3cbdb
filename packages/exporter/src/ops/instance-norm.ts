/**
 * InstanceNormalization without affine parameters (PyTorch InstanceNorm2d(affine=False)): per sample
 * and channel, (x - mean) / sqrt(var + eps) with the biased variance. ONNX requires scale and bias
 * inputs; they are shared ones/zeros shape constants, not parameters. One fused op is what
 * onnxruntime has a kernel for (a ReduceMean/Sub/Pow/... decomposition is slower and less exact).
 */
import { attr, type GraphBuilder } from '@gc-edge/core';
import { constFloat } from './constants';

const INSTANCE_NORM_EPS = 1e-5;

export function instanceNorm(g: GraphBuilder, name: string, x: string, channels: number, eps = INSTANCE_NORM_EPS): string {
  return g.node('InstanceNormalization', name, [x, constFloat(g, [channels], 1), constFloat(g, [channels], 0)], {
    epsilon: attr.float(eps),
  });
}
