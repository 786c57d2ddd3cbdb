/**
 * The Cityscapes paper model (config 32_32_48_32_32_32_32_24 of an ngf-48 supernet, 36 semantic
 * channels, 512x256, 'more') counted the paper's way: GAN Compression reports 31.7G MACs and 20.4M
 * parameters for it. Weights are zeros of the supernet's shapes: counting needs shapes only.
 */
import * as path from 'node:path';
import { mobileSpade } from '../../src/architectures/mobile-spade';
import { buildModel, exportSubnet } from '../../src/export';
import { countMacs, readModelForCounting, type StateDict } from '@gc-edge/core';
import { loadSubnetSpec } from '../../src/subnet/parse';
import { REPO } from './helpers';

it('the shipped GauGAN Cityscapes example counts 31.7G MACs and 20.4M parameters, as published', () => {
  const spec = loadSubnetSpec(path.join(REPO, 'examples/gaugan-cityscapes/subnet.json'), { weightsOptional: true });
  const weights: StateDict = new Map();
  for (const [key, shape] of mobileSpade.supernetShapes(spec, spec.ngf!)) {
    weights.set(key, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(key.endsWith('running_var') ? 1 : 0) });
  }
  const { metadata } = buildModel(spec, weights, spec.ngf!);
  expect(metadata['macs_convention']).toBe('paper');
  expect((Number(metadata['macs']) / 1e9).toFixed(1)).toBe('31.7');
  expect((Number(metadata['params']) / 1e6).toFixed(1)).toBe('20.4');
});

it('counts the same figures from the exported file, as gc-bench macs reads it', () => {
  const spec = loadSubnetSpec(path.join(REPO, 'examples/gaugan-cityscapes/subnet.json'), { weightsOptional: true });
  const { bytes, summary } = exportSubnet(spec, { randomInit: { seed: 0 } });
  const counted = countMacs(readModelForCounting(bytes, 'gaugan-cityscapes.onnx'), { convention: 'paper' });
  expect((counted.macs / 1e9).toFixed(1)).toBe('31.7');
  expect((counted.params / 1e6).toFixed(1)).toBe('20.4');
  expect(counted.macs).toBe(summary.macs);
  expect(counted.params).toBe(summary.params);
});
