/**
 * Sub-network checkpoints of the GauGAN supernet: the state_dict of upstream's SubMobileSPADEGenerator
 * for a config (what the released compressed GauGAN `latest_net_G.pth` holds).
 *
 * Every conv has the sub-network's width (spadeLayout), but each SubMobileSPADE keeps the supernet's
 * batch norm (`SuperSynchronizedBatchNorm2d(fin or fmiddle of the supernet)`, which normalises the
 * first k channels at run time): its running statistics are the supernet's width, so the checkpoint
 * still says ngf (`head_0.norm_0` has 16 * ngf).
 */
import { GcError, shapeString, type StateDict } from '@gc-edge/core';
import { FC_MUL, KERNEL, SPADE_BLOCKS, spadeLayout, type SpadeNormLayout } from './layout';

const NGF_KEY = 'head_0.norm_0.param_free_norm.running_mean';

/**
 * Every state_dict key of SubMobileSPADEGenerator for `config`, cut from a supernet of width `ngf`, in
 * upstream order.
 */
export function spadeSubnetShapes(
  config: readonly number[],
  ngf: number,
  semanticChannels: number,
  outputChannels: number,
): Map<string, readonly number[]> {
  const layout = spadeLayout(config);
  const shapes = new Map<string, readonly number[]>();
  const conv = (name: string, out: number, inp: number, k: number, bias: boolean): void => {
    shapes.set(`${name}.weight`, [out, inp, k, k]);
    if (bias) shapes.set(`${name}.bias`, [out]);
  };
  const norm = (n: SpadeNormLayout, supernetChannels: number): void => {
    for (const stat of ['running_mean', 'running_var']) shapes.set(`${n.name}.param_free_norm.${stat}`, [supernetChannels]);
    shapes.set(`${n.name}.param_free_norm.num_batches_tracked`, []);
    conv(`${n.name}.mlp_shared.0`, n.hidden, semanticChannels, KERNEL, true);
    for (const head of ['mlp_gamma', 'mlp_beta']) {
      conv(`${n.name}.${head}.conv.0`, n.hidden, 1, KERNEL, true);
      conv(`${n.name}.${head}.conv.2`, n.channels, n.hidden, 1, true);
    }
  };
  conv('fc', layout.fcChannels, semanticChannels, KERNEL, true);
  layout.blocks.forEach((b, i) => {
    const def = SPADE_BLOCKS[i]!;
    conv(`${b.name}.conv_0`, b.channel, b.inChannels, KERNEL, true);
    conv(`${b.name}.conv_1`, b.outChannels, b.channel, KERNEL, true);
    if (b.learnedShortcut) conv(`${b.name}.conv_s`, b.channel, b.inChannels, 1, false);
    norm(b.norm0, def.finMul * ngf);
    norm(b.norm1, Math.min(def.finMul, def.foutMul) * ngf);
    if (b.normS) norm(b.normS, def.finMul * ngf);
  });
  conv('conv_img', outputChannels, layout.finalChannels, KERNEL, true);
  return shapes;
}

/** ngf of the supernet a SubMobileSPADEGenerator checkpoint was cut from, read off head_0.norm_0's statistics. */
export function inferSpadeSubnetNgf(weights: StateDict): number {
  const t = weights.get(NGF_KEY);
  if (!t || t.shape.length !== 1 || t.shape[0]! % FC_MUL !== 0 || t.shape[0] === 0) {
    const found = t ? `${NGF_KEY} has shape ${shapeString(t.shape)}` : `there is no ${NGF_KEY}`;
    throw new GcError('E_WEIGHTS_KEYS', `cannot infer ngf of a mobile_spade sub-network: ${found} (expected [16 * ngf])`, {
      hint: 'is this a SubMobileSPADEGenerator (compressed GauGAN) state_dict?',
    });
  }
  return t.shape[0]! / FC_MUL;
}

/** The config whose SubMobileSPADEGenerator has these conv widths (fc, then each block's conv_0); null when one is missing or off its multiplier. */
export function readSpadeConfig(weights: StateDict): number[] | null {
  const width = (key: string, mult: number): number | null => {
    const d = weights.get(key)?.shape[0];
    return d !== undefined && d > 0 && d % mult === 0 ? d / mult : null;
  };
  const config = [width('fc.weight', FC_MUL), ...SPADE_BLOCKS.map((b) => width(`${b.name}.conv_0.weight`, b.foutMul))];
  return config.every((c): c is number => c !== null) ? config : null;
}
