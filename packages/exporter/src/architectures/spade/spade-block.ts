/**
 * Graph emitters for upstream's SubMobileSPADE (normalisation conditioned on the label map) and
 * SubMobileSPADEResnetBlock, from a MobileSPADEGenerator supernet's weights sliced to a config.
 *
 * SPADE(x, seg) = BN(x) * (1 + gamma(s)) + beta(s), s = ReLU(conv3x3(seg at x's size)),
 * gamma/beta = pointwise(InstanceNorm(depthwise3x3(s))). BN is the sync-BatchNorm without affine
 * parameters, in eval mode: the supernet's running statistics, first k channels, eps 1e-5. The `1 +` is
 * folded into the gamma pointwise conv's bias (node `<norm>.mlp_gamma.one_plus_gamma`), which is exact
 * algebra and saves one full-size Add per norm.
 *
 * The teacher (upstream SPADEGenerator's SPADE, `heads: 'conv'`) differs only there: gamma and beta are
 * plain 3x3 convs of the shared activation (`mlp_gamma.weight`, `mlp_beta.weight`), full width.
 */
import type { GraphBuilder, Tensor } from '@gc-edge/core';
import { add, batchNorm, conv, instanceNorm, leakyRelu, mul, relu } from '../../ops';
import type { SupernetWeights } from '../supernet-weights';
import { KERNEL, type SpadeBlockLayout, type SpadeHeads, type SpadeNormLayout } from './layout';

/** sync-BatchNorm's eps (PyTorch's default, what upstream trains and evaluates with). */
const SPADE_BN_EPS = 1e-5;
/** F.leaky_relu(x, 2e-1) in the residual blocks and before conv_img. */
export const SPADE_LEAKY_SLOPE = 0.2;

/** `<prefix>.weight` [out, in, k, k] sliced to its first `out` x `in`. */
export function kernel(w: SupernetWeights, prefix: string, out: number, inp: number, k: number): Tensor {
  return w.take(`${prefix}.weight`, [out, inp, k, k]);
}

function plusOne(t: Tensor): Tensor {
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < data.length; i++) data[i] = t.data[i]! + 1;
  return { shape: t.shape, data };
}

/** A separable-conv head (depthwise 3x3 -> InstanceNorm -> pointwise 1x1) producing `k` channels. */
function head(g: GraphBuilder, w: SupernetWeights, prefix: string, actv: string, hidden: number, k: number, addOne: boolean): string {
  const dw = conv(
    g,
    `${prefix}.conv.0`,
    actv,
    kernel(w, `${prefix}.conv.0`, hidden, 1, KERNEL),
    w.take(`${prefix}.conv.0.bias`, [hidden]),
    { pads: 1, group: hidden },
  );
  const norm = instanceNorm(g, `${prefix}.conv.1`, dw, hidden);
  const bias = w.take(`${prefix}.conv.2.bias`, [k]);
  return conv(
    g,
    addOne ? `${prefix}.one_plus_gamma` : `${prefix}.conv.2`,
    norm,
    kernel(w, `${prefix}.conv.2`, k, hidden, 1),
    addOne ? plusOne(bias) : bias,
  );
}

/** A plain 3x3 conv head (upstream SPADE's mlp_gamma / mlp_beta) producing `k` channels. */
function convHead(g: GraphBuilder, w: SupernetWeights, prefix: string, actv: string, hidden: number, k: number, addOne: boolean): string {
  const bias = w.take(`${prefix}.bias`, [k]);
  const name = addOne ? `${prefix}.one_plus_gamma` : prefix;
  return conv(g, name, actv, kernel(w, prefix, k, hidden, KERNEL), addOne ? plusOne(bias) : bias, { pads: 1 });
}

/** What every emitter needs: the graph, the weights, the label map's channel count and the SPADE head kind. */
export interface SpadeEmitContext {
  readonly g: GraphBuilder;
  readonly w: SupernetWeights;
  readonly semanticChannels: number;
  readonly heads: SpadeHeads;
}

/** SubMobileSPADE: `x` has `norm.channels` channels; `seg` is the label map already at x's size. */
function spadeNorm(ctx: SpadeEmitContext, norm: SpadeNormLayout, x: string, seg: string): string {
  const { g, w, semanticChannels } = ctx;
  const p = norm.name;
  const k = norm.channels;
  const h = norm.hidden;
  const normalized = batchNorm(
    g,
    `${p}.param_free_norm`,
    x,
    {
      runningMean: w.take(`${p}.param_free_norm.running_mean`, [k]),
      runningVar: w.take(`${p}.param_free_norm.running_var`, [k]),
    },
    SPADE_BN_EPS,
  );
  const shared = conv(
    g,
    `${p}.mlp_shared.0`,
    seg,
    kernel(w, `${p}.mlp_shared.0`, h, semanticChannels, KERNEL),
    w.take(`${p}.mlp_shared.0.bias`, [h]),
    { pads: 1 },
  );
  const actv = relu(g, `${p}.mlp_shared.1`, shared);
  const emitHead = ctx.heads === 'conv' ? convHead : head;
  const onePlusGamma = emitHead(g, w, `${p}.mlp_gamma`, actv, h, k, true);
  const beta = emitHead(g, w, `${p}.mlp_beta`, actv, h, k, false);
  return add(g, `${p}.add_beta`, mul(g, `${p}.scale`, normalized, onePlusGamma), beta);
}

/** SubMobileSPADEResnetBlock: shortcut(x) + conv_1(actvn(norm_1(conv_0(actvn(norm_0(x)))))). */
export function spadeResBlock(ctx: SpadeEmitContext, b: SpadeBlockLayout, x: string, seg: string): string {
  const { g, w } = ctx;
  const p = b.name;
  let shortcut = x;
  if (b.normS) {
    const ns = spadeNorm(ctx, b.normS, x, seg);
    shortcut = conv(g, `${p}.conv_s`, ns, kernel(w, `${p}.conv_s`, b.channel, b.inChannels, 1), undefined);
  }
  const n0 = leakyRelu(g, `${p}.actvn_0`, spadeNorm(ctx, b.norm0, x, seg), SPADE_LEAKY_SLOPE);
  const dx0 = conv(
    g,
    `${p}.conv_0`,
    n0,
    kernel(w, `${p}.conv_0`, b.channel, b.inChannels, KERNEL),
    w.take(`${p}.conv_0.bias`, [b.channel]),
    { pads: 1 },
  );
  const n1 = leakyRelu(g, `${p}.actvn_1`, spadeNorm(ctx, b.norm1, dx0, seg), SPADE_LEAKY_SLOPE);
  const dx1 = conv(
    g,
    `${p}.conv_1`,
    n1,
    kernel(w, `${p}.conv_1`, b.outChannels, b.channel, KERNEL),
    w.take(`${p}.conv_1.bias`, [b.outChannels]),
    { pads: 1 },
  );
  return add(g, `${p}.add`, shortcut, dx1);
}
