/**
 * `mobile_spade`: upstream's SubMobileSPADEGenerator (GauGAN, compressed) for an 8-entry config, sliced
 * from a MobileSPADEGenerator supernet or read from a sub-network checkpoint (spade/shapes.ts).
 * Label map (one-hot + instance edges) in, RGB in [-1, 1] out.
 *
 * Forward: spade/generator.ts. Channel arithmetic: spade/layout.ts. Blocks: spade/spade-block.ts.
 * Fields and sizes: spade/options.ts.
 */
import { GcError, type GraphBuilder, type StateDict } from '@gc-edge/core';
import { formatConfig } from '../subnet/config';
import type { SubnetSpec } from '../subnet/spec';
import type { Architecture, SubnetForm } from './architecture';
import { emitSpadeGenerator } from './spade/generator';
import { checkSpadeConfig, SPADE_CONFIG_LENGTH, spadeLayout } from './spade/layout';
import { SPADE_FIELDS, spadeContract, spadeGrid, spadeInput, spadeOptions } from './spade/options';
import { inferSpadeNgf, inferSpadeSubnetNgf, readSpadeConfig, spadeSubnetShapes, spadeSupernetShapes } from './spade/shapes';
import { SupernetWeights } from './supernet-weights';

const NAME = 'mobile_spade';

function requireConfig(spec: SubnetSpec): readonly number[] {
  if (!spec.config) {
    throw new GcError('E_CONFIG', `${spec.source}: "config" is required for ${NAME}`, { hint: 'e.g. "32_32_48_32_32_32_32_24"' });
  }
  return spec.config;
}

/** The generator from weights whose expected shapes are `shapes` (the supernet's, or the sub-network's). */
function buildSpade(
  g: GraphBuilder,
  input: string,
  weights: StateDict,
  spec: SubnetSpec,
  ngf: number,
  shapes: Map<string, readonly number[]>,
  what: string,
): string {
  const opts = spadeOptions(spec);
  const grid = spadeGrid(opts, spec.source);
  const config = requireConfig(spec);
  checkSpadeConfig(config, ngf, spec.source);
  const ctx = { g, w: new SupernetWeights(weights, shapes, what), semanticChannels: opts.semanticChannels, heads: 'separable' as const };
  return emitSpadeGenerator(ctx, spadeLayout(config), opts.numUpsamplingLayers, grid, input, spec.output.channels, NAME);
}

/** SubMobileSPADEGenerator checkpoints: conv widths are the config's, the batch-norm statistics say ngf. */
const subnet: SubnetForm = {
  inferNgf: inferSpadeSubnetNgf,
  shapes(spec: SubnetSpec, ngf: number | null) {
    if (ngf === null) throw new GcError('E_INTERNAL', `${NAME}: a sub-network's shapes need ngf`);
    return spadeSubnetShapes(requireConfig(spec), ngf, spadeOptions(spec).semanticChannels, spec.output.channels);
  },
  readConfig: (weights: StateDict) => readSpadeConfig(weights),
  build(g: GraphBuilder, input: string, weights: StateDict, spec: SubnetSpec, ngf: number | null): string {
    if (ngf === null) throw new GcError('E_INTERNAL', `${NAME}: a sub-network is built with its ngf`);
    const config = requireConfig(spec);
    const shapes = spadeSubnetShapes(config, ngf, spadeOptions(spec).semanticChannels, spec.output.channels);
    return buildSpade(g, input, weights, spec, ngf, shapes, `${NAME} sub-network ${formatConfig(config)} (ngf ${ngf})`);
  },
};

export const mobileSpade: Architecture = {
  name: NAME,
  description: 'GAN Compression SubMobileSPADEGenerator (GauGAN) sliced from a MobileSPADEGenerator supernet',
  configLengths: [SPADE_CONFIG_LENGTH],
  exampleConfig: '32_32_48_32_32_32_32_24',
  extraFields: SPADE_FIELDS,
  defaultNgf: 48,

  contract: (spec: SubnetSpec) => spadeContract('student', spec),

  resolveInput: spadeInput,

  inferNgf: (weights: StateDict) =>
    inferSpadeNgf(
      weights,
      'fc.weight',
      4,
      'a mobile_spade supernet',
      'is this a MobileSPADEGenerator (GauGAN supernet) state_dict? set "ngf" in subnet.json if it is',
    ),

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
    const shapes = spadeSupernetShapes(ngf, spadeOptions(spec).semanticChannels, spec.output.channels);
    return buildSpade(g, input, weights, spec, ngf, shapes, `${NAME} supernet (ngf ${ngf})`);
  },

  subnet,
};
