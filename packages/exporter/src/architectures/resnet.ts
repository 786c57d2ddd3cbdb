/**
 * `resnet_9blocks`: the original CycleGAN/pix2pix ResnetGenerator (upstream resnet_generator.py), the
 * uncompressed baseline. No config: every layer has its full width (ngf, 2ngf, 4ngf); each block is
 * pad, conv 3x3, norm, relu, pad, conv 3x3, norm, + skip.
 */
import { GcError, type GraphBuilder, type StateDict } from '@gc-edge/core';
import { add, conv, instanceNorm, relu } from '../ops';
import type { SubnetSpec } from '../subnet/spec';
import type { Architecture } from './architecture';
import { inferStemNgf, KEY, resnetContract, resolveResnetInput, RESNET_BLOCKS } from './resnet-common';
import { clampInput, downsample, head, reflectPad1, stem, upsample, type ConvParams } from './resnet-layers';
import { SupernetWeights } from './supernet-weights';

const NAME = 'resnet_9blocks';

function resnetShapes(inputChannels: number, outputChannels: number, ngf: number): Map<string, readonly number[]> {
  const m = new Map<string, readonly number[]>();
  const layer = (key: string, weight: readonly number[], biasLength: number): void => {
    m.set(`${key}.weight`, weight);
    m.set(`${key}.bias`, [biasLength]);
  };
  const w = 4 * ngf;
  layer(KEY.stem, [ngf, inputChannels, 7, 7], ngf);
  layer(KEY.down1, [2 * ngf, ngf, 3, 3], 2 * ngf);
  layer(KEY.down2, [w, 2 * ngf, 3, 3], w);
  for (let i = 0; i < RESNET_BLOCKS; i++) {
    layer(`${KEY.block(i)}.1`, [w, w, 3, 3], w);
    layer(`${KEY.block(i)}.6`, [w, w, 3, 3], w);
  }
  layer(KEY.up1, [w, 2 * ngf, 3, 3], 2 * ngf);
  layer(KEY.up2, [2 * ngf, ngf, 3, 3], ngf);
  layer(KEY.head, [outputChannels, ngf, 7, 7], outputChannels);
  return m;
}

function checkNoConfig(config: readonly number[] | null): void {
  if (config !== null) {
    throw new GcError('E_CONFIG', `${NAME}: takes no config (it is the full generator), got ${config.join('_')}`, {
      hint: 'remove "config", or use mobile_resnet_9blocks for a pruned sub-generator',
    });
  }
}

export const resnet: Architecture = {
  name: NAME,
  description: 'The original CycleGAN/pix2pix ResnetGenerator, 9 blocks (the uncompressed baseline)',
  configLengths: [],
  exampleConfig: '',
  extraFields: [],
  defaultNgf: 64,
  // The teacher of its family: the uncompressed generator the mobile ones are measured against.
  contract: (spec: SubnetSpec) => resnetContract('teacher', spec),
  resolveInput: resolveResnetInput,
  inferNgf: (weights: StateDict) => inferStemNgf(weights, NAME),
  supernetShapes: (spec: SubnetSpec, ngf: number) => resnetShapes(spec.input.channels, spec.output.channels, ngf),
  checkConfig: (config: readonly number[] | null) => checkNoConfig(config),
  build(g: GraphBuilder, input: string, weights: StateDict, spec: SubnetSpec, ngf: number): string {
    checkNoConfig(spec.config);
    const w = new SupernetWeights(weights, resnetShapes(spec.input.channels, spec.output.channels, ngf), `${NAME} generator (ngf ${ngf})`);
    const layer = (key: string): ConvParams => ({ weight: w.take(`${key}.weight`), bias: w.take(`${key}.bias`) });
    const width = 4 * ngf;
    let y = clampInput(g, input);
    y = stem(g, y, layer(KEY.stem));
    y = downsample(g, 'down1', y, layer(KEY.down1));
    y = downsample(g, 'down2', y, layer(KEY.down2));
    for (let i = 0; i < RESNET_BLOCKS; i++) {
      const key = KEY.block(i);
      const name = `block${i}`;
      const p1 = layer(`${key}.1`);
      const p2 = layer(`${key}.6`);
      let z = conv(g, `${name}.conv1`, reflectPad1(g, `${name}.pad1`, y), p1.weight, p1.bias);
      z = relu(g, `${name}.relu1`, instanceNorm(g, `${name}.norm1`, z, width));
      z = conv(g, `${name}.conv2`, reflectPad1(g, `${name}.pad2`, z), p2.weight, p2.bias);
      y = add(g, `${name}.add`, y, instanceNorm(g, `${name}.norm2`, z, width));
    }
    y = upsample(g, 'up1', y, layer(KEY.up1));
    y = upsample(g, 'up2', y, layer(KEY.up2));
    return head(g, y, layer(KEY.head));
  },
};
