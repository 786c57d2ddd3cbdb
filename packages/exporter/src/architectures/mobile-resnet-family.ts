/**
 * Sub-generators of a MobileResnetGenerator supernet (upstream SubMobileResnetGenerator and
 * LegacySubMobileResnetGenerator). A config of 8 or 6 channel counts picks each layer's width; the
 * weights are the supernet's first-k channels of every conv (export.py `transfer_weight`).
 *
 * Config entry -> layer (c = config, u = 6 for 8-entry configs, 4 for 6-entry ones):
 *   stem conv: c[0]          down1: 2*c[1]          down2: 4*c[2] (= every block's in/out width)
 *   block i, inner width: 4*c[blockEntry(i)]  (the variants differ only here)
 *   up1: 2*c[u]              up2: c[u+1]            head: output channels
 *
 * A sub-network checkpoint (the sub-generator's own state_dict, what export.py writes) has exactly these
 * widths; it is taken as is, and its config can be read back off the shapes (`readMobileConfig`).
 */
import { GcError, type GraphBuilder, type StateDict } from '@gc-edge/core';
import { add, instanceNorm, relu } from '../ops';
import { formatConfig } from '../subnet/config';
import type { SubnetSpec } from '../subnet/spec';
import type { Architecture, SubnetForm } from './architecture';
import { clampInput, downsample, head, reflectPad1, separableConv, stem, upsample } from './resnet-layers';
import { inferStemNgf, KEY, resnetContract, resolveResnetInput, RESNET_BLOCKS } from './resnet-common';
import { SupernetWeights } from './supernet-weights';

const MOBILE_CONFIG_LENGTHS = [8, 6] as const;

/** Which config entry sets block i's inner width, for a config of `length` entries. */
type BlockEntry = (block: number, length: number) => number;

interface MobileResnetVariant {
  readonly name: string;
  readonly description: string;
  readonly blockEntry: BlockEntry;
}

interface Use {
  readonly layer: string;
  readonly key: string;
  readonly entry: number;
  /** layer width = config[entry] * mult; the supernet's is ngf * mult */
  readonly mult: number;
}

/** Every layer whose width a config entry sets, in graph order. */
function configUses(variant: MobileResnetVariant, length: number): Use[] {
  const up = length === 6 ? 4 : 6;
  const uses: Use[] = [
    { layer: 'stem.conv', key: KEY.stem, entry: 0, mult: 1 },
    { layer: 'down1.conv', key: KEY.down1, entry: 1, mult: 2 },
    { layer: 'down2.conv', key: KEY.down2, entry: 2, mult: 4 },
  ];
  for (let i = 0; i < RESNET_BLOCKS; i++) {
    uses.push({ layer: `block${i}.sep1.pointwise`, key: `${KEY.block(i)}.1.conv.2`, entry: variant.blockEntry(i, length), mult: 4 });
  }
  uses.push({ layer: 'up1.conv_transpose', key: KEY.up1, entry: up, mult: 2 });
  uses.push({ layer: 'up2.conv_transpose', key: KEY.up2, entry: up + 1, mult: 1 });
  return uses;
}

/** Every state_dict key of a MobileResnetGenerator supernet, with its shape, in upstream order. */
function mobileSupernetShapes(inputChannels: number, outputChannels: number, ngf: number): Map<string, readonly number[]> {
  const m = new Map<string, readonly number[]>();
  const conv = (key: string, weight: readonly number[], biasLength: number): void => {
    m.set(`${key}.weight`, weight);
    m.set(`${key}.bias`, [biasLength]);
  };
  const w = 4 * ngf;
  conv(KEY.stem, [ngf, inputChannels, 7, 7], ngf);
  conv(KEY.down1, [2 * ngf, ngf, 3, 3], 2 * ngf);
  conv(KEY.down2, [w, 2 * ngf, 3, 3], w);
  for (let i = 0; i < RESNET_BLOCKS; i++) {
    for (const sep of [1, 6]) {
      conv(`${KEY.block(i)}.${sep}.conv.0`, [w, 1, 3, 3], w);
      conv(`${KEY.block(i)}.${sep}.conv.2`, [w, w, 1, 1], w);
    }
  }
  conv(KEY.up1, [w, 2 * ngf, 3, 3], 2 * ngf);
  conv(KEY.up2, [2 * ngf, ngf, 3, 3], ngf);
  conv(KEY.head, [outputChannels, ngf, 7, 7], outputChannels);
  return m;
}

/**
 * Every state_dict key of the sub-generator for `config` (upstream SubMobileResnetGenerator or
 * LegacySubMobileResnetGenerator), with its shape, in upstream order.
 */
export function mobileSubnetShapes(
  variant: MobileResnetVariant,
  config: readonly number[],
  inputChannels: number,
  outputChannels: number,
): Map<string, readonly number[]> {
  const m = new Map<string, readonly number[]>();
  const conv = (key: string, weight: readonly number[], biasLength: number): void => {
    m.set(`${key}.weight`, weight);
    m.set(`${key}.bias`, [biasLength]);
  };
  const up = config.length === 6 ? 4 : 6;
  const [c0, c1, c2] = config as [number, number, number];
  const u0 = config[up]!;
  const u1 = config[up + 1]!;
  const w = 4 * c2;
  conv(KEY.stem, [c0, inputChannels, 7, 7], c0);
  conv(KEY.down1, [2 * c1, c0, 3, 3], 2 * c1);
  conv(KEY.down2, [w, 2 * c1, 3, 3], w);
  for (let i = 0; i < RESNET_BLOCKS; i++) {
    const inner = 4 * config[variant.blockEntry(i, config.length)]!;
    conv(`${KEY.block(i)}.1.conv.0`, [w, 1, 3, 3], w);
    conv(`${KEY.block(i)}.1.conv.2`, [inner, w, 1, 1], inner);
    conv(`${KEY.block(i)}.6.conv.0`, [inner, 1, 3, 3], inner);
    conv(`${KEY.block(i)}.6.conv.2`, [w, inner, 1, 1], w);
  }
  conv(KEY.up1, [w, 2 * u0, 3, 3], 2 * u0);
  conv(KEY.up2, [2 * u0, u1, 3, 3], u1);
  conv(KEY.head, [outputChannels, u1, 7, 7], outputChannels);
  return m;
}

/**
 * The config whose sub-generator has these weights' widths, as `length` (8 or 6) entries when it can be
 * written so (6 entries need one width for the three block groups), else 8; null when a width is
 * missing or not a multiple of its config multiplier. Only widths are read: the caller compares every
 * shape with `mobileSubnetShapes` of the result.
 */
export function readMobileConfig(variant: MobileResnetVariant, weights: StateDict, length: number): number[] | null {
  const dim = (key: string, axis: number, mult: number): number | null => {
    const d = weights.get(`${key}.weight`)?.shape[axis];
    return d !== undefined && d % mult === 0 && d > 0 ? d / mult : null;
  };
  // block i's inner width is 4 * config[blockEntry(i)]: read each entry at the first block it sets
  const blockEntries = (n: number): (number | null)[] => {
    const out: (number | null)[] = [];
    for (let i = 0; i < RESNET_BLOCKS; i++) {
      const e = variant.blockEntry(i, n) - 3;
      if (out[e] === undefined) out[e] = dim(`${KEY.block(i)}.1.conv.2`, 0, 4);
    }
    return out;
  };
  const head = [dim(KEY.stem, 0, 1), dim(KEY.down1, 0, 2), dim(KEY.down2, 0, 4)];
  const tail = [dim(KEY.up1, 1, 2), dim(KEY.up2, 1, 1)];
  const eight = [...head, ...blockEntries(8), ...tail];
  const six = [...head, ...blockEntries(6), ...tail];
  const fits = (c: (number | null)[]): c is number[] => c.every((v) => v !== null);
  const sameGroups = eight[3] === eight[4] && eight[4] === eight[5];
  if (length === 6 && sameGroups && fits(six)) return six;
  return fits(eight) ? eight : null;
}

function checkMobileConfig(variant: MobileResnetVariant, config: readonly number[] | null, ngf: number): readonly number[] {
  checkMobileConfigShape(variant, config);
  for (const use of configUses(variant, config.length)) {
    const c = config[use.entry]!;
    if (c > ngf) {
      throw new GcError(
        'E_CONFIG',
        `${use.layer} (${use.key}): config entry ${use.entry} (${c}) asks ${c * use.mult} channels but the supernet has ${ngf * use.mult} (ngf ${ngf})`,
        { hint: `every config entry must be at most ngf = ${ngf}` },
      );
    }
  }
  return config;
}

/** Entry count and values, which a sub-network checkpoint needs too (it has no ngf to check against). */
function checkMobileConfigShape(variant: MobileResnetVariant, config: readonly number[] | null): asserts config is readonly number[] {
  const where = variant.name;
  if (config === null) {
    throw new GcError('E_CONFIG', `${where}: a config is required (${MOBILE_CONFIG_LENGTHS.join(' or ')} channel counts)`, {
      hint: 'e.g. "16_16_32_16_32_32_16_16"',
    });
  }
  if (!(MOBILE_CONFIG_LENGTHS as readonly number[]).includes(config.length)) {
    throw new GcError(
      'E_CONFIG',
      `${where}: config ${config.join('_')} has ${config.length} entries, expected ${MOBILE_CONFIG_LENGTHS.join(' or ')}`,
      {
        hint: '8 entries: stem, down1, down2, 3 block groups, up1, up2; 6 entries: one width for all blocks',
      },
    );
  }
  config.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 1) {
      throw new GcError('E_CONFIG', `${where}: config entry ${i} is ${c}; every entry must be a positive integer channel count`);
    }
  });
}

function buildMobile(
  g: GraphBuilder,
  x: string,
  w: SupernetWeights,
  variant: MobileResnetVariant,
  config: readonly number[],
  spec: SubnetSpec,
): string {
  const inCh = spec.input.channels;
  const outCh = spec.output.channels;
  const up = config.length === 6 ? 4 : 6;
  const [c0, c1, c2] = config as [number, number, number];
  const conv = (key: string, weight: readonly number[]) => ({
    weight: w.take(`${key}.weight`, weight),
    bias: w.take(`${key}.bias`, [weight[0]!]),
  });
  const convT = (key: string, weight: readonly number[]) => ({
    weight: w.take(`${key}.weight`, weight),
    bias: w.take(`${key}.bias`, [weight[1]!]),
  });

  let y = clampInput(g, x);
  y = stem(g, y, conv(KEY.stem, [c0, inCh, 7, 7]));
  y = downsample(g, 'down1', y, conv(KEY.down1, [2 * c1, c0, 3, 3]));
  y = downsample(g, 'down2', y, conv(KEY.down2, [4 * c2, 2 * c1, 3, 3]));
  const width = 4 * c2;
  for (let i = 0; i < RESNET_BLOCKS; i++) {
    const inner = 4 * config[variant.blockEntry(i, config.length)]!;
    const key = KEY.block(i);
    const name = `block${i}`;
    let z = reflectPad1(g, `${name}.pad1`, y);
    z = separableConv(g, `${name}.sep1`, z, conv(`${key}.1.conv.0`, [width, 1, 3, 3]), conv(`${key}.1.conv.2`, [inner, width, 1, 1]));
    z = relu(g, `${name}.relu1`, instanceNorm(g, `${name}.norm1`, z, inner));
    z = reflectPad1(g, `${name}.pad2`, z);
    z = separableConv(g, `${name}.sep2`, z, conv(`${key}.6.conv.0`, [inner, 1, 3, 3]), conv(`${key}.6.conv.2`, [width, inner, 1, 1]));
    z = instanceNorm(g, `${name}.norm2`, z, width);
    y = add(g, `${name}.add`, y, z);
  }
  const u0 = config[up]!;
  const u1 = config[up + 1]!;
  y = upsample(g, 'up1', y, convT(KEY.up1, [width, 2 * u0, 3, 3]));
  y = upsample(g, 'up2', y, convT(KEY.up2, [2 * u0, u1, 3, 3]));
  return head(g, y, conv(KEY.head, [outCh, u1, 7, 7]));
}

/** An Architecture for one sub-generator variant of the MobileResnetGenerator supernet. */
export function mobileResnetArchitecture(variant: MobileResnetVariant): Architecture {
  return {
    name: variant.name,
    description: variant.description,
    configLengths: MOBILE_CONFIG_LENGTHS,
    exampleConfig: '16_16_32_16_32_32_16_16',
    extraFields: [],
    defaultNgf: 32,
    contract: (spec: SubnetSpec) => resnetContract('student', spec),
    resolveInput: resolveResnetInput,
    inferNgf: (weights: StateDict) => inferStemNgf(weights, variant.name),
    supernetShapes: (spec: SubnetSpec, ngf: number) => mobileSupernetShapes(spec.input.channels, spec.output.channels, ngf),
    checkConfig: (config: readonly number[] | null, ngf: number) => {
      checkMobileConfig(variant, config, ngf);
    },
    build(g: GraphBuilder, input: string, weights: StateDict, spec: SubnetSpec, ngf: number): string {
      const config = checkMobileConfig(variant, spec.config, ngf);
      const shapes = mobileSupernetShapes(spec.input.channels, spec.output.channels, ngf);
      const w = new SupernetWeights(weights, shapes, `${variant.name} supernet (ngf ${ngf})`);
      return buildMobile(g, input, w, variant, config, spec);
    },
    subnet: mobileSubnetForm(variant),
  };
}

/** Sub-network checkpoints of a variant: the widths are the config's, ngf is not recorded. */
function mobileSubnetForm(variant: MobileResnetVariant): SubnetForm {
  return {
    shapes(spec: SubnetSpec): Map<string, readonly number[]> {
      checkMobileConfigShape(variant, spec.config);
      return mobileSubnetShapes(variant, spec.config, spec.input.channels, spec.output.channels);
    },
    readConfig: (weights: StateDict, length: number) => readMobileConfig(variant, weights, length),
    build(g: GraphBuilder, input: string, weights: StateDict, spec: SubnetSpec, ngf: number | null): string {
      const config = spec.config;
      checkMobileConfigShape(variant, config);
      if (ngf !== null) checkMobileConfig(variant, config, ngf);
      const shapes = mobileSubnetShapes(variant, config, spec.input.channels, spec.output.channels);
      const w = new SupernetWeights(weights, shapes, `${variant.name} sub-network ${formatConfig(config)}`);
      return buildMobile(g, input, w, variant, config, spec);
    },
  };
}
