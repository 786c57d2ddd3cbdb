/**
 * `spade`: GauGAN's original generator, upstream SPADEGenerator with `norm_G spadesyncbatch3x3` (the
 * teacher GAN Compression distils from; the Cityscapes one is 93.0M params / 281G MACs). No config:
 * every layer has its full width. Its weights come as remove_spectral_norm.py leaves them, or with the
 * spectral-norm parameters still in the file (folded on reading: weights/spectral-norm.ts).
 *
 * Same forward and widths as SubMobileSPADEGenerator with every config entry = ngf (spade/generator.ts,
 * spadeLayout), but each SPADE's gamma and beta are plain 3x3 convs (`mlp_gamma.weight`) and its
 * hidden width is 2 * ngf.
 */
import { GcError, type GraphBuilder, type StateDict } from '@gc-edge/core';
import type { SubnetSpec } from '../subnet/spec';
import type { Architecture } from './architecture';
import { emitSpadeGenerator } from './spade/generator';
import { FC_MUL, HIDDEN_MUL, KERNEL, SPADE_BLOCKS, SPADE_CONFIG_LENGTH, spadeLayout, type SpadeLayout } from './spade/layout';
import { SPADE_FIELDS, spadeGrid, spadeInput, spadeOptions } from './spade/options';
import { SupernetWeights } from './supernet-weights';

const NAME = 'spade';

/** The teacher's widths: spadeLayout with every entry = ngf. */
function teacherLayout(ngf: number): SpadeLayout {
  return spadeLayout(new Array<number>(SPADE_CONFIG_LENGTH).fill(ngf));
}

/** Every state_dict key of SPADEGenerator (spectral norm removed) in upstream order, with its shape. */
export function spadeTeacherShapes(ngf: number, semanticChannels: number, outputChannels: number): Map<string, readonly number[]> {
  const shapes = new Map<string, readonly number[]>();
  const conv = (name: string, out: number, inp: number, k: number, bias: boolean): void => {
    shapes.set(`${name}.weight`, [out, inp, k, k]);
    if (bias) shapes.set(`${name}.bias`, [out]);
  };
  const hidden = HIDDEN_MUL * ngf;
  const norm = (name: string, channels: number): void => {
    for (const stat of ['running_mean', 'running_var']) shapes.set(`${name}.param_free_norm.${stat}`, [channels]);
    shapes.set(`${name}.param_free_norm.num_batches_tracked`, []);
    conv(`${name}.mlp_shared.0`, hidden, semanticChannels, KERNEL, true);
    conv(`${name}.mlp_gamma`, channels, hidden, KERNEL, true);
    conv(`${name}.mlp_beta`, channels, hidden, KERNEL, true);
  };
  conv('fc', FC_MUL * ngf, semanticChannels, KERNEL, true);
  for (const def of SPADE_BLOCKS) {
    const fin = def.finMul * ngf;
    const fout = def.foutMul * ngf;
    const fmiddle = Math.min(fin, fout);
    conv(`${def.name}.conv_0`, fmiddle, fin, KERNEL, true);
    conv(`${def.name}.conv_1`, fout, fmiddle, KERNEL, true);
    if (fin !== fout) conv(`${def.name}.conv_s`, fout, fin, 1, false);
    norm(`${def.name}.norm_0`, fin);
    norm(`${def.name}.norm_1`, fmiddle);
    if (fin !== fout) norm(`${def.name}.norm_s`, fin);
  }
  conv('conv_img', outputChannels, teacherLayout(ngf).finalChannels, KERNEL, true);
  return shapes;
}

function checkNoConfig(config: readonly number[] | null): void {
  if (config !== null) {
    throw new GcError('E_CONFIG', `${NAME}: takes no config (it is GauGAN's full generator), got ${config.join('_')}`, {
      hint: 'remove "config", or use sub_mobile_spade (mobile_spade) for a compressed GauGAN',
    });
  }
}

export const spadeTeacher: Architecture = {
  name: NAME,
  description: "GauGAN's original SPADEGenerator (the uncompressed teacher, spectral norm folded)",
  configLengths: [],
  exampleConfig: '',
  extraFields: SPADE_FIELDS,

  resolveInput: spadeInput,

  inferNgf(weights: StateDict): number {
    const fc = weights.get('fc.weight');
    if (!fc || fc.shape.length !== 4 || fc.shape[0]! % FC_MUL !== 0 || fc.shape[0] === 0) {
      const found = fc ? `fc.weight has shape [${fc.shape.join(', ')}]` : 'there is no fc.weight';
      throw new GcError('E_WEIGHTS_KEYS', `cannot infer ngf of a spade generator: ${found} (expected [16 * ngf, semanticChannels, 3, 3])`, {
        hint: "is this GauGAN's SPADEGenerator state_dict (upstream --netG spade)?",
      });
    }
    return fc.shape[0]! / FC_MUL;
  },

  supernetShapes(spec: SubnetSpec, ngf: number) {
    return spadeTeacherShapes(ngf, spadeOptions(spec).semanticChannels, spec.output.channels);
  },

  checkConfig: (config: readonly number[] | null) => checkNoConfig(config),

  build(g: GraphBuilder, input: string, weights: StateDict, spec: SubnetSpec, ngf: number): string {
    checkNoConfig(spec.config);
    const opts = spadeOptions(spec);
    const grid = spadeGrid(opts, spec.source);
    const shapes = spadeTeacherShapes(ngf, opts.semanticChannels, spec.output.channels);
    const ctx = { g, w: new SupernetWeights(weights, shapes, `${NAME} generator (ngf ${ngf})`), semanticChannels: opts.semanticChannels, heads: 'conv' as const };
    return emitSpadeGenerator(ctx, teacherLayout(ngf), opts.numUpsamplingLayers, grid, input, spec.output.channels, NAME);
  },
};
