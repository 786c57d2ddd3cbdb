/**
 * The channel arithmetic of upstream's MobileSPADEGenerator (the supernet) and SubMobileSPADEGenerator
 * (what an 8-entry config selects from it), as tables.
 *
 * Supernet (ngf = nf): fc: semantic -> 16nf; seven SPADE residual blocks fin -> fout
 * (head_0, G_middle_0, G_middle_1: 16nf -> 16nf; up_0: 16nf -> 8nf; up_1: 8nf -> 4nf; up_2: 4nf -> 2nf;
 * up_3: 2nf -> nf); conv_img: nf -> 3. Each SPADE norm's hidden width is 2nf.
 *
 * Sub-generator for config c[0..7]: fc makes ic = 16c[0] channels. Block i (config entry c = c[i+1]) has
 * `channel` = c * (its fout multiplier: 16, 16, 16, 8, 4, 2, 1) and `hidden` = 2c:
 *   - same-width blocks (fin == fout in the supernet): conv_0 ic -> channel, conv_1 channel -> ic, the
 *     output keeps ic channels (x + dx);
 *   - narrowing blocks (learned shortcut): conv_0 ic -> channel, conv_1 channel -> channel,
 *     conv_s ic -> channel (1x1, no bias); the output has `channel` channels and becomes the next ic.
 *   - norm_0 and norm_s normalise ic channels, norm_1 `channel` channels: running statistics sliced to
 *     the first k of the supernet's, gamma/beta pointwise convs produce k channels from `hidden`.
 * conv_img: c[7] -> 3. Every weight is the supernet's sliced to its first rows/columns.
 */
import { GcError } from '@gc-edge/core';

interface SpadeBlockDef {
  /** State-dict prefix, also the node-name prefix. */
  readonly name: string;
  /** Supernet widths as multiples of ngf. */
  readonly finMul: number;
  readonly foutMul: number;
  /** Config index that sets this block's width. */
  readonly configIndex: number;
}

/** In forward order. Before every block but the first comes a 2x upsampling (G_middle_1: 'more' only). */
export const SPADE_BLOCKS: readonly SpadeBlockDef[] = [
  { name: 'head_0', finMul: 16, foutMul: 16, configIndex: 1 },
  { name: 'G_middle_0', finMul: 16, foutMul: 16, configIndex: 2 },
  { name: 'G_middle_1', finMul: 16, foutMul: 16, configIndex: 3 },
  { name: 'up_0', finMul: 16, foutMul: 8, configIndex: 4 },
  { name: 'up_1', finMul: 8, foutMul: 4, configIndex: 5 },
  { name: 'up_2', finMul: 4, foutMul: 2, configIndex: 6 },
  { name: 'up_3', finMul: 2, foutMul: 1, configIndex: 7 },
];

export const SPADE_CONFIG_LENGTH = 8;

/** How a SPADE norm computes gamma and beta: SubMobileSPADE's separable convs, or the teacher SPADE's plain 3x3 convs. */
export type SpadeHeads = 'separable' | 'conv';

/** The config of the full-width network: every entry ngf (the supernet, and the teacher's widths). */
export function fullWidthConfig(ngf: number): number[] {
  return new Array<number>(SPADE_CONFIG_LENGTH).fill(ngf);
}
export const FC_MUL = 16;
/** The SPADE norms' hidden width is HIDDEN_MUL * ngf in the supernet, HIDDEN_MUL * c in a subnet. */
const HIDDEN_MUL = 2;
export const KERNEL = 3;

/** One SPADE norm of a block: which channels it normalises (its first k running statistics). */
export interface SpadeNormLayout {
  /** `head_0.norm_0` */
  readonly name: string;
  readonly channels: number;
  readonly hidden: number;
}

export interface SpadeBlockLayout {
  readonly name: string;
  readonly learnedShortcut: boolean;
  /** Channels coming in (ic) and going out. */
  readonly inChannels: number;
  readonly channel: number;
  readonly outChannels: number;
  readonly hidden: number;
  readonly norm0: SpadeNormLayout;
  readonly norm1: SpadeNormLayout;
  readonly normS: SpadeNormLayout | null;
}

export interface SpadeLayout {
  readonly fcChannels: number;
  readonly blocks: readonly SpadeBlockLayout[];
  /** conv_img's input channels (c[7]). */
  readonly finalChannels: number;
}

/** The sub-generator's widths for `config` (8 entries). */
export function spadeLayout(config: readonly number[]): SpadeLayout {
  if (config.length !== SPADE_CONFIG_LENGTH) {
    throw new GcError(
      'E_CONFIG',
      `mobile_spade takes a config of ${SPADE_CONFIG_LENGTH} entries, got ${config.length} (${config.join('_')})`,
    );
  }
  const fcChannels = FC_MUL * config[0]!;
  let ic = fcChannels;
  const blocks: SpadeBlockLayout[] = [];
  for (const def of SPADE_BLOCKS) {
    const c = config[def.configIndex]!;
    const learnedShortcut = def.finMul !== def.foutMul;
    const channel = c * def.foutMul;
    const hidden = HIDDEN_MUL * c;
    const norm = (suffix: string, channels: number): SpadeNormLayout => ({ name: `${def.name}.${suffix}`, channels, hidden });
    blocks.push({
      name: def.name,
      learnedShortcut,
      inChannels: ic,
      channel,
      outChannels: learnedShortcut ? channel : ic,
      hidden,
      norm0: norm('norm_0', ic),
      norm1: norm('norm_1', channel),
      normS: learnedShortcut ? norm('norm_s', ic) : null,
    });
    if (learnedShortcut) ic = channel;
  }
  return { fcChannels, blocks, finalChannels: config[SPADE_CONFIG_LENGTH - 1]! };
}

/**
 * Checks every config entry against the supernet: the error names the first layer the entry widens
 * and both widths, e.g. `G_middle_0.conv_0: config asks 192 channels but the supernet has 128 (ngf 8)`.
 */
export function checkSpadeConfig(config: readonly number[], ngf: number, source: string): void {
  if (config.length !== SPADE_CONFIG_LENGTH) {
    throw new GcError(
      'E_CONFIG',
      `${source}: mobile_spade takes a config of ${SPADE_CONFIG_LENGTH} entries, got ${config.length} (${config.join('_')})`,
      {
        hint: 'the paper model for Cityscapes is "32_32_48_32_32_32_32_24"',
      },
    );
  }
  const layers: { layer: string; mul: number }[] = [
    { layer: 'fc', mul: FC_MUL },
    ...SPADE_BLOCKS.map((b) => ({ layer: `${b.name}.conv_0`, mul: b.foutMul })),
  ];
  config.forEach((c, i) => {
    if (!Number.isInteger(c) || c <= 0) {
      throw new GcError('E_CONFIG', `${source}: config entry ${i} is ${c}; every entry must be a positive integer`);
    }
    if (c > ngf) {
      const { layer, mul } = layers[i]!;
      throw new GcError(
        'E_CONFIG',
        `${source}: ${layer}: config asks ${mul * c} channels (entry ${i} = ${c}) but the supernet has ${mul * ngf} (ngf ${ngf})`,
        { hint: `every entry of a mobile_spade config is at most ngf (${ngf})` },
      );
    }
  });
}
