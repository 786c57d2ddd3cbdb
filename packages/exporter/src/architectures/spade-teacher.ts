/**
 * `spade`: GauGAN's original generator, upstream SPADEGenerator with `norm_G spadesyncbatch3x3` (the
 * teacher GAN Compression distils from; the Cityscapes one is 93.0M params / 281G MACs). No config:
 * every layer has its full width. Its weights come as remove_spectral_norm.py leaves them, or with the
 * spectral-norm parameters still in the file (folded on reading: weights/spectral-norm.ts).
 *
 * Same forward and widths as SubMobileSPADEGenerator with every config entry = ngf (spade/generator.ts,
 * spadeLayout), but each SPADE's gamma and beta are plain 3x3 convs (`mlp_gamma.weight`; key table in
 * spade/shapes.ts); the hidden width is 2 * ngf.
 */
import { GcError, type GraphBuilder, type StateDict } from '@gc-edge/core';
import type { SubnetSpec } from '../subnet/spec';
import type { Architecture } from './architecture';
import { emitSpadeGenerator } from './spade/generator';
import { fullWidthConfig, spadeLayout } from './spade/layout';
import { SPADE_FIELDS, spadeContract, spadeGrid, spadeInput, spadeOptions } from './spade/options';
import { inferSpadeNgf, spadeTeacherShapes } from './spade/shapes';
import { SupernetWeights } from './supernet-weights';

const NAME = 'spade';

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
  /** Upstream's published GauGAN width (Cityscapes, COCO-Stuff). */
  defaultNgf: 64,

  contract: (spec: SubnetSpec) => spadeContract('teacher', spec),

  resolveInput: spadeInput,

  inferNgf: (weights: StateDict) =>
    inferSpadeNgf(weights, 'fc.weight', 4, 'a spade generator', "is this GauGAN's SPADEGenerator state_dict (upstream --netG spade)?"),

  supernetShapes(spec: SubnetSpec, ngf: number) {
    return spadeTeacherShapes(ngf, spadeOptions(spec).semanticChannels, spec.output.channels);
  },

  checkConfig: (config: readonly number[] | null) => checkNoConfig(config),

  build(g: GraphBuilder, input: string, weights: StateDict, spec: SubnetSpec, ngf: number): string {
    checkNoConfig(spec.config);
    const opts = spadeOptions(spec);
    const grid = spadeGrid(opts, spec.source);
    const shapes = spadeTeacherShapes(ngf, opts.semanticChannels, spec.output.channels);
    const ctx = {
      g,
      w: new SupernetWeights(weights, shapes, `${NAME} generator (ngf ${ngf})`),
      semanticChannels: opts.semanticChannels,
      heads: 'conv' as const,
    };
    return emitSpadeGenerator(ctx, spadeLayout(fullWidthConfig(ngf)), opts.numUpsamplingLayers, grid, input, spec.output.channels, NAME);
  },
};
