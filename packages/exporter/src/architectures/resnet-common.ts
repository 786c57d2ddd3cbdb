/** What the three ResNet-family architectures share outside the graph: input defaults, ngf, key names. */
import { fitsSizeRule, GcError, type Role, shapeString, type SizeRule, type StateDict } from '@gc-edge/core';
import type { InputSpec, SubnetSpec } from '../subnet/spec';
import type { ArchitectureContract } from './architecture';

export const RESNET_BLOCKS = 9;
/** Index of the first residual block in upstream's `self.model` Sequential (pad, conv, norm, relu, 2 x (conv, norm, relu)). */
const FIRST_BLOCK_INDEX = 10;
export const KEY = {
  stem: 'model.1',
  down1: 'model.4',
  down2: 'model.7',
  block: (i: number): string => `model.${FIRST_BLOCK_INDEX + i}.conv_block`,
  up1: 'model.19',
  up2: 'model.22',
  head: 'model.26',
} as const;

const DEFAULT_INPUT: InputSpec = { batch: 1, channels: 3, height: 256, width: 256 };

/** Height and width: multiples of 4 (two stride-2 downsamplings), at least 8 (the blocks' reflection pad needs 2 pixels at 1/4). */
export const RESNET_SIZE: SizeRule = { multiple: 4, min: 8 };

/** The contract of a ResNet generator: photos in and out (other channel counts are plain tensors). */
export function resnetContract(role: Role, spec: SubnetSpec): ArchitectureContract {
  return {
    family: 'cyclegan-resnet',
    role,
    input: { kind: spec.input.channels === 3 ? 'photo' : 'tensor', size: RESNET_SIZE },
    output: { kind: spec.output.channels === 3 ? 'photo' : 'tensor' },
  };
}

/** The input a ResNet generator runs on: defaults 1x3x256x256; height and width per {@link RESNET_SIZE}. */
export function resolveResnetInput(spec: SubnetSpec, given: Partial<InputSpec> | undefined): InputSpec {
  const input: InputSpec = { ...DEFAULT_INPUT, ...given };
  for (const key of ['batch', 'channels', 'height', 'width'] as const) {
    const v = input[key];
    if (!Number.isInteger(v) || v < 1) {
      throw new GcError('E_SUBNET_JSON', `${spec.source}: "input.${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    }
  }
  for (const key of ['height', 'width'] as const) {
    const v = input[key];
    const { multiple, min } = RESNET_SIZE;
    if (!fitsSizeRule(RESNET_SIZE, v)) {
      const below = v - (v % multiple);
      const near = v < min ? String(min) : `${below} or ${below + multiple}`;
      throw new GcError(
        'E_SUBNET_JSON',
        `${spec.source}: "input.${key}" is ${v}; ${spec.architecture} needs a multiple of ${multiple}, at least ${min}`,
        { hint: `the generator downsamples twice by 2; try ${near}` },
      );
    }
  }
  return input;
}

/** ngf = output channels of the stem conv (`model.1.weight` is [ngf, input channels, 7, 7]). */
export function inferStemNgf(weights: StateDict, architecture: string): number {
  const key = `${KEY.stem}.weight`;
  const t = weights.get(key);
  if (!t) {
    throw new GcError('E_WEIGHTS_KEYS', `${key}: missing, so ngf cannot be inferred for ${architecture}`, {
      hint: `the weights should be a ${architecture} state_dict (keys model.1.weight, model.4.weight, ...)`,
    });
  }
  if (t.shape.length !== 4 || t.shape[0]! < 1 || t.shape[2] !== 7 || t.shape[3] !== 7) {
    throw new GcError('E_WEIGHTS_SHAPE', `${key}: expected the 7x7 stem conv [ngf, channels, 7, 7], got ${shapeString(t.shape)}`);
  }
  return t.shape[0]!;
}
