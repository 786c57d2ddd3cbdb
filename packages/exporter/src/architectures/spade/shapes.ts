/**
 * The state_dict keys and shapes of the SPADE generators, in upstream order, from one table:
 *
 * - the MobileSPADEGenerator supernet (`spadeSupernetShapes`): every width at ngf;
 * - a SubMobileSPADEGenerator sub-network checkpoint (`spadeSubnetShapes`: what the released compressed
 *   GauGAN `latest_net_G.pth` holds): every conv at the config's width (spadeLayout), but each
 *   SubMobileSPADE keeps the supernet's batch norm (`SuperSynchronizedBatchNorm2d(fin or fmiddle of the
 *   supernet)`, which normalises the first k channels at run time), so its running statistics are the
 *   supernet's width and the checkpoint still says ngf (`head_0.norm_0` has 16 * ngf);
 * - the teacher SPADEGenerator (`spadeTeacherShapes`): full width, plain 3x3 conv gamma/beta heads.
 *
 * The running statistics and num_batches_tracked are buffers of the sync-BatchNorms.
 */
import { GcError, shapeString, type StateDict } from '@gc-edge/core';
import { FC_MUL, fullWidthConfig, KERNEL, SPADE_BLOCKS, spadeLayout, type SpadeHeads, type SpadeNormLayout } from './layout';

const NGF_KEY = 'head_0.norm_0.param_free_norm.running_mean';

/** Every key of a SPADE generator with `config`'s conv widths, batch-norm statistics of a ngf-wide supernet, and `heads`. */
function spadeShapes(
  config: readonly number[],
  ngf: number,
  semanticChannels: number,
  outputChannels: number,
  heads: SpadeHeads,
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
      if (heads === 'conv') {
        conv(`${n.name}.${head}`, n.channels, n.hidden, KERNEL, true);
      } else {
        conv(`${n.name}.${head}.conv.0`, n.hidden, 1, KERNEL, true);
        conv(`${n.name}.${head}.conv.2`, n.channels, n.hidden, 1, true);
      }
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

/** Every state_dict key of a MobileSPADEGenerator supernet, with its shape. */
export function spadeSupernetShapes(ngf: number, semanticChannels: number, outputChannels: number): Map<string, readonly number[]> {
  return spadeShapes(fullWidthConfig(ngf), ngf, semanticChannels, outputChannels, 'separable');
}

/** Every state_dict key of SubMobileSPADEGenerator for `config`, cut from a supernet of width `ngf`. */
export function spadeSubnetShapes(
  config: readonly number[],
  ngf: number,
  semanticChannels: number,
  outputChannels: number,
): Map<string, readonly number[]> {
  return spadeShapes(config, ngf, semanticChannels, outputChannels, 'separable');
}

/** Every state_dict key of the teacher SPADEGenerator (spectral norm removed), with its shape. */
export function spadeTeacherShapes(ngf: number, semanticChannels: number, outputChannels: number): Map<string, readonly number[]> {
  return spadeShapes(fullWidthConfig(ngf), ngf, semanticChannels, outputChannels, 'conv');
}

/**
 * ngf = (first dimension of `key`) / 16, for a tensor of rank `rank`: `fc.weight` [16 * ngf, semantic,
 * 3, 3] of a full-width generator, or head_0.norm_0's running mean [16 * ngf] of a sub-network.
 * Throws E_WEIGHTS_KEYS naming `what` (e.g. "a mobile_spade supernet") when the weights don't tell.
 */
export function inferSpadeNgf(weights: StateDict, key: string, rank: number, what: string, hint: string): number {
  const t = weights.get(key);
  const width = t?.shape[0];
  if (!t || t.shape.length !== rank || width === undefined || width === 0 || width % FC_MUL !== 0) {
    const found = t ? `${key} has shape ${shapeString(t.shape)}` : `there is no ${key}`;
    const expected = rank === 1 ? '[16 * ngf]' : '[16 * ngf, semanticChannels, 3, 3]';
    throw new GcError('E_WEIGHTS_KEYS', `cannot infer ngf of ${what}: ${found} (expected ${expected})`, { hint });
  }
  return width / FC_MUL;
}

/** ngf of the supernet a SubMobileSPADEGenerator checkpoint was cut from, read off head_0.norm_0's statistics. */
export function inferSpadeSubnetNgf(weights: StateDict): number {
  return inferSpadeNgf(
    weights,
    NGF_KEY,
    1,
    'a mobile_spade sub-network',
    'is this a SubMobileSPADEGenerator (compressed GauGAN) state_dict?',
  );
}

/**
 * The config whose SubMobileSPADEGenerator has these conv widths (fc, then each block's conv_0); null when one
 * is missing or off its multiplier.
 */
export function readSpadeConfig(weights: StateDict): number[] | null {
  const width = (key: string, mult: number): number | null => {
    const d = weights.get(key)?.shape[0];
    return d !== undefined && d > 0 && d % mult === 0 ? d / mult : null;
  };
  const config = [width('fc.weight', FC_MUL), ...SPADE_BLOCKS.map((b) => width(`${b.name}.conv_0.weight`, b.foutMul))];
  return config.every((c): c is number => c !== null) ? config : null;
}
