/**
 * The GauGAN architectures' own subnet.json fields (upstream's GauGAN options) and the input size they imply.
 *
 * Upstream `compute_latent_vector_size`: the generator starts from a latent grid of
 * sw = cropSize // 2^n by sh = round(sw / aspectRatio) (Python's round: halves to even), n = 5 for
 * 'normal' and 6 for 'more', and upsamples it n times, so it produces sh*2^n x sw*2^n pixels. The label
 * map it is fed is that size too (the SPADE blocks resize it to every stage).
 */
import { GcError, type Role } from '@gc-edge/core';
import type { InputSpec, SubnetSpec } from '../../subnet/spec';
import type { ArchitectureContract } from '../architecture';

export const SPADE_FIELDS = ['semanticChannels', 'cropSize', 'aspectRatio', 'numUpsamplingLayers'] as const;

/** 'most' exists upstream for the full SPADE generator only; SubMobileSPADEGenerator raises on it. */
const UPSAMPLING_MODES = { normal: 5, more: 6 } as const;
export type UpsamplingMode = keyof typeof UPSAMPLING_MODES;

interface SpadeOptions {
  /** Label classes (+1 with a dontcare label) + 1 instance-edge channel: the generator's input channels. */
  readonly semanticChannels: number;
  readonly cropSize: number;
  readonly aspectRatio: number;
  readonly numUpsamplingLayers: UpsamplingMode;
}

export interface SpadeGrid {
  /** Number of 2x upsamplings between the latent grid and the output. */
  readonly upsamplings: number;
  readonly latentHeight: number;
  readonly latentWidth: number;
  /** The only input (and output) size the generator takes. */
  readonly height: number;
  readonly width: number;
}

const DEFAULTS = { aspectRatio: 1, numUpsamplingLayers: 'more' as UpsamplingMode };

/** Validates `spec.extras`; throws E_SUBNET_JSON naming the field and the accepted values. */
export function spadeOptions(spec: SubnetSpec): SpadeOptions {
  const x = spec.extras;
  const fail = (what: string, hint?: string): GcError => new GcError('E_SUBNET_JSON', `${spec.source}: ${what}`, { hint });

  const semanticChannels = x['semanticChannels'];
  if (semanticChannels === undefined) {
    throw fail(
      `"semanticChannels" is required for ${spec.architecture}`,
      'label classes (+1 if the dataset has a dontcare label) + 1 instance-edge channel; Cityscapes: 36',
    );
  }
  if (!isPositiveInt(semanticChannels)) {
    throw fail(`"semanticChannels" must be a positive integer, got ${JSON.stringify(semanticChannels)}`);
  }

  const cropSize = x['cropSize'];
  if (cropSize === undefined) {
    throw fail(`"cropSize" is required for ${spec.architecture}`, 'the width the generator was trained at, e.g. 512 for Cityscapes');
  }
  if (!isPositiveInt(cropSize) || cropSize > 16384) {
    throw fail(`"cropSize" must be a positive integer up to 16384, got ${JSON.stringify(cropSize)}`);
  }

  const aspectRatio = x['aspectRatio'] ?? DEFAULTS.aspectRatio;
  if (typeof aspectRatio !== 'number' || !Number.isFinite(aspectRatio) || aspectRatio <= 0) {
    throw fail(`"aspectRatio" must be a positive number (width / height), got ${JSON.stringify(aspectRatio)}`);
  }

  const mode = x['numUpsamplingLayers'] ?? DEFAULTS.numUpsamplingLayers;
  const valid = Object.keys(UPSAMPLING_MODES);
  if (mode === 'most') {
    throw fail(
      '"numUpsamplingLayers": "most" is not supported: upstream SubMobileSPADEGenerator raises NotImplementedError for it (its extra up_4 block has no compressed form)',
      `use one of: ${valid.map((v) => JSON.stringify(v)).join(', ')}`,
    );
  }
  if (typeof mode !== 'string' || !valid.includes(mode)) {
    throw fail(`"numUpsamplingLayers" is ${JSON.stringify(mode)}; expected one of: ${valid.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  return { semanticChannels, cropSize, aspectRatio, numUpsamplingLayers: mode as UpsamplingMode };
}

/** The latent grid and input size for these options; throws when cropSize is off the grid. */
export function spadeGrid(opts: SpadeOptions, source: string): SpadeGrid {
  const upsamplings = UPSAMPLING_MODES[opts.numUpsamplingLayers];
  const cell = 2 ** upsamplings;
  const mode = `numUpsamplingLayers "${opts.numUpsamplingLayers}"`;
  if (opts.cropSize % cell !== 0) {
    const below = Math.floor(opts.cropSize / cell) * cell;
    const near = [below, below + cell].filter((v) => v > 0).join(' or ');
    throw new GcError(
      'E_SUBNET_JSON',
      `${source}: "cropSize" ${opts.cropSize} is not a multiple of ${cell} (2^${upsamplings} upsamplings with ${mode}), so the generator's output would not match its input`,
      { hint: `use "cropSize": ${near}` },
    );
  }
  const latentWidth = opts.cropSize / cell;
  const latentHeight = roundHalfEven(latentWidth / opts.aspectRatio);
  if (latentHeight < 1) {
    throw new GcError(
      'E_SUBNET_JSON',
      `${source}: "aspectRatio" ${opts.aspectRatio} with "cropSize" ${opts.cropSize} leaves a latent grid of 0 rows (round(${latentWidth} / ${opts.aspectRatio}))`,
      { hint: `use an aspectRatio of at most ${2 * latentWidth}` },
    );
  }
  return { upsamplings, latentHeight, latentWidth, height: latentHeight * cell, width: latentWidth * cell };
}

/**
 * The input for a spec: `given` fields must agree with the size the options imply (batch is free).
 * Throws E_SUBNET_JSON saying the valid size.
 */
export function spadeInput(spec: SubnetSpec, given: Partial<InputSpec> | undefined): InputSpec {
  const opts = spadeOptions(spec);
  const grid = spadeGrid(opts, spec.source);
  const valid: InputSpec = { batch: given?.batch ?? 1, channels: opts.semanticChannels, height: grid.height, width: grid.width };
  const wrong = (['channels', 'height', 'width'] as const).filter((k) => given?.[k] !== undefined && given[k] !== valid[k]);
  if (wrong.length > 0) {
    const asked = `${given?.channels ?? '?'}x${given?.height ?? '?'}x${given?.width ?? '?'}`;
    throw new GcError(
      'E_SUBNET_JSON',
      `${spec.source}: "input" asks channels x height x width ${asked}, ` +
        `but ${spec.architecture} with semanticChannels ${opts.semanticChannels}, ` +
        `cropSize ${opts.cropSize}, aspectRatio ${opts.aspectRatio} and numUpsamplingLayers "${opts.numUpsamplingLayers}" takes ` +
        `${valid.channels}x${valid.height}x${valid.width}`,
      { hint: `set "input": {"channels": ${valid.channels}, "height": ${valid.height}, "width": ${valid.width}} or leave "input" out` },
    );
  }
  return valid;
}

/** Python 3's round(): ties go to the even neighbour (round(2.5) == 2). */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/**
 * The model contract of a GauGAN generator (docs/model-contract.md): a label map (one-hot + instance
 * edges) in, a photo out; it upsamples 2^n times from its latent grid, so height and width are
 * multiples of 2^n. Teacher (`spade`) and students (`mobile_spade`) are one family.
 */
export function spadeContract(role: Role, spec: SubnetSpec): ArchitectureContract {
  const cell = 2 ** spadeGrid(spadeOptions(spec), spec.source).upsamplings;
  return {
    family: 'gaugan-spade',
    role,
    input: { kind: 'label_map', size: { multiple: cell, min: cell }, instanceEdge: true },
    output: { kind: 'photo' },
  };
}
