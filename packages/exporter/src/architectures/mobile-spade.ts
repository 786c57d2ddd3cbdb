/**
 * `mobile_spade`: upstream's SubMobileSPADEGenerator (GauGAN, compressed) for an 8-entry config sliced
 * from a MobileSPADEGenerator supernet. Label map (one-hot + instance edges) in, RGB in [-1, 1] out.
 *
 * Forward, for n = 5 ('normal') or 6 ('more') upsamplings:
 *   fc(seg at the latent grid) -> head_0 -> up -> G_middle_0 -> [up, 'more' only] -> G_middle_1
 *   -> up -> up_0 -> up -> up_1 -> up -> up_2 -> up -> up_3 -> LeakyReLU 0.2 -> conv_img -> tanh
 * Every SPADE norm sees the label map nearest-resized to its stage (one Resize per stage, shared).
 * Channel arithmetic: spade/layout.ts. Blocks: spade/spade-block.ts. Fields and sizes: spade/options.ts.
 */
import { GcError, type GraphBuilder, type StateDict } from '@gc-edge/core';
import { conv, leakyRelu, resizeNearest, tanh } from '../ops';
import type { SubnetSpec } from '../subnet/spec';
import type { Architecture, ArchitectureContract } from './architecture';
import { checkSpadeConfig, FC_MUL, KERNEL, SPADE_CONFIG_LENGTH, spadeLayout, spadeSupernetShapes } from './spade/layout';
import { SPADE_FIELDS, spadeGrid, spadeInput, spadeOptions, type UpsamplingMode } from './spade/options';
import { kernel, SPADE_LEAKY_SLOPE, spadeResBlock, type SpadeEmitContext } from './spade/spade-block';
import { SupernetWeights } from './supernet-weights';

const NAME = 'mobile_spade';

/** Whether a 2x upsampling runs before `block`: before every block but head_0, and before G_middle_1 only with 'more'. */
function upsamplesBefore(block: string, mode: UpsamplingMode): boolean {
  if (block === 'head_0') return false;
  if (block === 'G_middle_1') return mode === 'more';
  return true;
}

export const mobileSpade: Architecture = {
  name: NAME,
  description: 'GAN Compression SubMobileSPADEGenerator (GauGAN) sliced from a MobileSPADEGenerator supernet',
  configLengths: [SPADE_CONFIG_LENGTH],
  exampleConfig: '32_32_48_32_32_32_32_24',
  extraFields: SPADE_FIELDS,
  defaultNgf: 48,

  contract(spec: SubnetSpec): ArchitectureContract {
    // The generator upsamples 2^n times from its latent grid: height and width are multiples of 2^n.
    const cell = 2 ** spadeGrid(spadeOptions(spec), spec.source).upsamplings;
    return {
      family: 'gaugan-spade',
      role: 'student',
      input: { kind: 'label_map', size: { multiple: cell, min: cell }, instanceEdge: true },
      output: { kind: 'photo' },
    };
  },

  resolveInput: spadeInput,

  inferNgf(weights: StateDict): number {
    const fc = weights.get('fc.weight');
    if (!fc || fc.shape.length !== 4 || fc.shape[0]! % FC_MUL !== 0) {
      const found = fc ? `fc.weight has shape [${fc.shape.join(', ')}]` : 'there is no fc.weight';
      throw new GcError(
        'E_WEIGHTS_KEYS',
        `cannot infer ngf of a mobile_spade supernet: ${found} (expected [16 * ngf, semanticChannels, 3, 3])`,
        {
          hint: 'is this a MobileSPADEGenerator (GauGAN supernet) state_dict? set "ngf" in subnet.json if it is',
        },
      );
    }
    return fc.shape[0]! / FC_MUL;
  },

  supernetShapes(spec: SubnetSpec, ngf: number) {
    return spadeSupernetShapes(ngf, spadeOptions(spec).semanticChannels, spec.output.channels);
  },

  checkConfig(config: readonly number[] | null, ngf: number, spec: SubnetSpec): void {
    if (!config) {
      throw new GcError('E_CONFIG', `${spec.source}: "config" is required for ${NAME}`, { hint: 'e.g. "32_32_48_32_32_32_32_24"' });
    }
    checkSpadeConfig(config, ngf, spec.source);
  },

  build(g: GraphBuilder, input: string, weights: StateDict, spec: SubnetSpec, ngf: number): string {
    const opts = spadeOptions(spec);
    const grid = spadeGrid(opts, spec.source);
    if (!spec.config) throw new GcError('E_CONFIG', `${spec.source}: "config" is required for ${NAME}`);
    checkSpadeConfig(spec.config, ngf, spec.source);
    const layout = spadeLayout(spec.config);
    const shapes = spadeSupernetShapes(ngf, opts.semanticChannels, spec.output.channels);
    const ctx: SpadeEmitContext = {
      g,
      w: new SupernetWeights(weights, shapes, `${NAME} supernet (ngf ${ngf})`),
      semanticChannels: opts.semanticChannels,
    };

    // The label map at stage s (s upsamplings done) is the input downsampled by 2^(n - s). Scales
    // (exact powers of two) rather than sizes keep this valid for --dynamic inputs; nearest with
    // 'asymmetric' + 'floor' picks pixel (i * 2^(n-s), j * 2^(n-s)) as F.interpolate(mode='nearest').
    const segmaps = new Map<number, string>();
    const segAt = (stage: number): string => {
      const factor = 2 ** (grid.upsamplings - stage);
      if (factor === 1) return input;
      let seg = segmaps.get(factor);
      if (!seg) {
        seg = resizeNearest(g, `segmap.down${factor}`, input, { scales: [1 / factor, 1 / factor] });
        segmaps.set(factor, seg);
      }
      return seg;
    };

    let stage = 0;
    let x = conv(
      g,
      'fc',
      segAt(stage),
      kernel(ctx.w, 'fc', layout.fcChannels, opts.semanticChannels, KERNEL),
      ctx.w.take('fc.bias', [layout.fcChannels]),
      { pads: 1 },
    );
    for (const block of layout.blocks) {
      if (upsamplesBefore(block.name, opts.numUpsamplingLayers)) {
        stage++;
        x = resizeNearest(g, `${block.name}.up`, x, { scales: [2, 2] });
      }
      x = spadeResBlock(ctx, block, x, segAt(stage));
    }
    if (stage !== grid.upsamplings) throw new GcError('E_INTERNAL', `${NAME}: ${stage} upsamplings emitted, expected ${grid.upsamplings}`);
    const act = leakyRelu(g, 'conv_img.actvn', x, SPADE_LEAKY_SLOPE);
    const outChannels = spec.output.channels; // upstream hard-codes RGB (3); conv_img's shape is checked against it
    const img = conv(
      g,
      'conv_img',
      act,
      kernel(ctx.w, 'conv_img', outChannels, layout.finalChannels, KERNEL),
      ctx.w.take('conv_img.bias', [outChannels]),
      { pads: 1 },
    );
    return tanh(g, 'tanh', img);
  },
};
