/**
 * The published anchors (mit-han-lab/gan-compression README, "Performance of Released Models"):
 * CycleGAN original resnet_9blocks ngf 64 at 256x256 = 56.8G MACs / 11.4M params; the retrained
 * horse2zebra model 16_16_32_16_32_32_16_16 = 2.55G / 0.357M.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { countMacs, readModelForCounting } from '@gc-edge/core';
import { exportSubnet } from '../../src/export';
import { loadSubnetSpec } from '../../src/subnet/parse';
import { BASELINE_TORCH_EXPORT } from '../../../../test/support/fixtures';

const ROOT = path.resolve(__dirname, '../../../..');
const BASELINE = BASELINE_TORCH_EXPORT;

/** Rounds like the paper's tables: G with 2 decimals (or 1 above 10G), M with 3 (or 1 above 10M). */
const giga = (n: number) => (n >= 1e10 ? (n / 1e9).toFixed(1) : (n / 1e9).toFixed(2));
const mega = (n: number) => (n >= 1e7 ? (n / 1e6).toFixed(1) : (n / 1e6).toFixed(3));

describe('published MAC / parameter anchors (paper convention)', () => {
  it('horse2zebra 16_16_32_16_32_32_16_16, exported by torch.onnx.export, is 2.55G MACs / 0.357M params', () => {
    const model = readModelForCounting(fs.readFileSync(BASELINE), BASELINE);
    const c = countMacs(model, { convention: 'paper' });
    expect(giga(c.macs)).toBe('2.55');
    expect(mega(c.params)).toBe('0.357');
    // exact counts ConvTranspose by input size (4x fewer taps at stride 2): strictly fewer than paper here
    expect(countMacs(model, { convention: 'exact' }).macs).toBeLessThan(c.macs);
  });

  it('the same subnet exported by gc-export gets the same figures as the torch export', () => {
    const spec = loadSubnetSpec(path.join(ROOT, 'examples/cyclegan-horse2zebra/subnet.json'), { weightsOptional: true });
    const ours = exportSubnet(spec, { randomInit: { seed: 1 } });
    const torch = countMacs(readModelForCounting(fs.readFileSync(BASELINE), BASELINE));
    expect(ours.summary.macs).toBe(torch.macs);
    expect(ours.summary.params).toBe(torch.params);
  });

  it('original CycleGAN resnet_9blocks ngf 64 at 256x256 is 56.8G MACs / 11.4M params', () => {
    const spec = loadSubnetSpec(path.join(ROOT, 'examples/cyclegan-original/subnet.json'), { weightsOptional: true });
    const { model } = exportSubnet(spec, { randomInit: { seed: 0 } });
    const c = countMacs(model, { convention: 'paper' });
    expect(giga(c.macs)).toBe('56.8');
    expect(mega(c.params)).toBe('11.4');
  });
});
