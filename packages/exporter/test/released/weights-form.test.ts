/**
 * Telling a supernet from a sub-network checkpoint (architectures/weights-form.ts), upstream's names,
 * optional buffers, the spectral-norm fold and the forms --random-init synthesises.
 */
import * as path from 'node:path';
import { encodeModel, type StateDict, type Tensor } from '@gc-edge/core';
import { buildModel, exportSubnet, resolveWeights } from '../../src/export';
import { architectureAliases, architectureNames, getArchitecture, resolveArchitecture } from '../../src/architectures/registry';
import { parseSubnetSpec } from '../../src/subnet/parse';
import type { SubnetSpec } from '../../src/subnet/spec';
import { loadStateDict } from '../../src/weights';
import { foldSpectralNorm } from '../../src/weights/spectral-norm';
import { RESNET_FIXTURES, SPADE_FIXTURES } from '../../../../test/support/fixtures';
import { gcErrorOf } from '../../../../test/support/gc-error';

const UPSTREAM_NAMES = [
  'sub_mobile_resnet_9blocks',
  'legacy_sub_mobile_resnet_9blocks',
  'super_mobile_resnet_9blocks',
  'mobile_resnet_9blocks',
  'resnet_9blocks',
  'sub_mobile_spade',
  'super_mobile_spade',
  'mobile_spade',
  'spade',
];

describe("upstream's --netG names", () => {
  it.each(UPSTREAM_NAMES)('%s is accepted', (name) => {
    expect(() => getArchitecture(name)).not.toThrow();
  });

  it('every alias stands for one of our architectures, which the metadata then names', () => {
    for (const { alias, architecture } of architectureAliases()) {
      expect(architectureNames()).toContain(architecture);
      expect(getArchitecture(alias).name).toBe(architecture);
    }
  });

  it('sub_* names announce a sub-network, super_* names a supernet, ours neither', () => {
    expect(resolveArchitecture('sub_mobile_spade').namedForm).toBe('subnet');
    expect(resolveArchitecture('legacy_sub_mobile_resnet_9blocks').namedForm).toBe('subnet');
    expect(resolveArchitecture('super_mobile_resnet_9blocks').namedForm).toBe('supernet');
    expect(resolveArchitecture('mobile_resnet_9blocks').namedForm).toBeUndefined();
  });

  it('an unknown name is refused with every accepted name listed', () => {
    const e = gcErrorOf(() => getArchitecture('sub_mobile_resnet_6blocks', 'subnet.json'));
    expect(e.code).toBe('E_SUBNET_JSON');
    for (const name of UPSTREAM_NAMES) expect(e.message).toContain(name);
  });
});

const supernetFile = path.join(RESNET_FIXTURES, 'supernet.pth'); // MobileResnetGenerator, ngf 16

function resnetSpec(architecture: string, config: string, extra: Record<string, unknown> = {}): SubnetSpec {
  return parseSubnetSpec(
    { architecture, config, weights: supernetFile, input: { height: 16, width: 16 }, ...extra },
    path.join(RESNET_FIXTURES, 'subnet.json'),
  );
}

describe('supernet or sub-network, from the shapes', () => {
  it('a supernet with a narrower config is sliced, whatever the name says', () => {
    for (const name of ['mobile_resnet_9blocks', 'sub_mobile_resnet_9blocks', 'super_mobile_resnet_9blocks']) {
      const r = resolveWeights(resnetSpec(name, '8_8_16_8_16_16_8_8'), {});
      expect([r.kind, r.ngf, r.ngfSource]).toEqual(['supernet', 16, 'weights']);
    }
  });

  it('weights whose every width is the config: our name and super_* read a supernet, sub_* a sub-network (the same graph)', () => {
    const config = '16_16_16_16_16_16_16_16';
    expect(resolveWeights(resnetSpec('mobile_resnet_9blocks', config), {}).kind).toBe('supernet');
    expect(resolveWeights(resnetSpec('super_mobile_resnet_9blocks', config), {}).kind).toBe('supernet');
    const sub = resolveWeights(resnetSpec('sub_mobile_resnet_9blocks', config), {});
    expect([sub.kind, sub.ngf]).toEqual(['subnet', null]);
    const graph = (name: string): Buffer => Buffer.from(encodeModel({ ...exportSubnet(resnetSpec(name, config)).model, metadata: {} }));
    expect(graph('sub_mobile_resnet_9blocks').equals(graph('mobile_resnet_9blocks'))).toBe(true);
  });

  it('a declared ngf that contradicts a supernet is refused, with the way to read it as a sub-network', () => {
    const e = gcErrorOf(() => resolveWeights(resnetSpec('mobile_resnet_9blocks', '16_16_16_16_16_16_16_16', { ngf: 32 }), {}));
    expect(e.code).toBe('E_WEIGHTS_SHAPE');
    expect(e.message).toContain('"ngf" is 32 but');
    expect(e.hint).toContain('sub_*');
  });

  it('a declared ngf of a ResNet sub-network is kept and bounds the config', () => {
    const spec = resnetSpec('sub_mobile_resnet_9blocks', '16_16_16_16_16_16_16_16', { ngf: 32 });
    const r = resolveWeights(spec, {});
    expect([r.kind, r.ngf, r.ngfSource]).toEqual(['subnet', 32, 'declared']);
    const narrow = resnetSpec('sub_mobile_resnet_9blocks', '16_16_16_16_16_16_16_16', { ngf: 8 });
    expect(gcErrorOf(() => exportSubnet(narrow)).code).toBe('E_CONFIG');
  });
});

describe('optional buffers', () => {
  const spade = (): SubnetSpec =>
    parseSubnetSpec(
      {
        architecture: 'mobile_spade',
        config: '4_8_6_4_8_6_4_8',
        semanticChannels: 36,
        cropSize: 128,
        aspectRatio: 2,
        numUpsamplingLayers: 'more',
        weights: 'supernet.pth',
      },
      path.join(SPADE_FIXTURES, 'subnet.json'),
    );
  const full = loadStateDict(path.join(SPADE_FIXTURES, 'supernet.pth'));
  const without = (drop: (key: string) => boolean): StateDict => new Map([...full].filter(([k]) => !drop(k)));
  const graphOf = (weights: StateDict): Buffer => Buffer.from(encodeModel({ ...buildModel(spade(), weights, 8), metadata: {} }));

  it('a supernet without num_batches_tracked exports the same graph', () => {
    const dropped = without((k) => k.endsWith('.num_batches_tracked'));
    expect(dropped.size).toBeLessThan(full.size);
    expect(graphOf(dropped).equals(graphOf(full))).toBe(true);
  });

  it('the running statistics inference reads are still required', () => {
    const e = gcErrorOf(() => graphOf(without((k) => k === 'up_1.norm_1.param_free_norm.running_var')));
    expect(e.code).toBe('E_WEIGHTS_KEYS');
    expect(e.message).toContain('up_1.norm_1.param_free_norm.running_var');
  });
});

describe('spectral norm folded on reading', () => {
  const t = (shape: number[], values: number[]): Tensor => ({ shape, data: Float32Array.from(values) });
  // weight_orig [2, 2, 1, 1] = [[3, 0], [0, 1]], u = e0, v = e0: sigma = u^T W v = 3
  const triple = (): StateDict =>
    new Map([
      ['conv.weight_orig', t([2, 2, 1, 1], [3, 0, 0, 1])],
      ['conv.bias', t([2], [0.5, -0.5])],
      ['conv.weight_u', t([2], [1, 0])],
      ['conv.weight_v', t([2], [1, 0])],
    ]);

  it('replaces weight_orig, weight_u, weight_v by weight = weight_orig / (u^T W v), keeping the other keys', () => {
    const folded = foldSpectralNorm(triple(), 'w.pth');
    expect([...folded.keys()]).toEqual(['conv.weight', 'conv.bias']);
    expect(Array.from(folded.get('conv.weight')!.data)).toEqual([1, 0, 0, 1 / 3].map(Math.fround));
    expect(folded.get('conv.weight')!.shape).toEqual([2, 2, 1, 1]);
  });

  it('leaves a state_dict without spectral norm untouched', () => {
    const plain = new Map([['conv.weight', t([1], [2])]]);
    expect(foldSpectralNorm(plain, 'w.pth')).toBe(plain);
  });

  it('refuses a weight_orig without its u and v, u and v of the wrong length, and a layer both normalised and not', () => {
    const noU = triple();
    noU.delete('conv.weight_u');
    expect(gcErrorOf(() => foldSpectralNorm(noU, 'w.pth')).code).toBe('E_WEIGHTS_KEYS');
    const shortV = triple();
    shortV.set('conv.weight_v', t([1], [1]));
    const e = gcErrorOf(() => foldSpectralNorm(shortV, 'w.pth'));
    expect(e.code).toBe('E_WEIGHTS_SHAPE');
    expect(e.message).toContain('conv: weight_orig [2, 2, 1, 1] needs weight_u [2] and weight_v [2], got [2] and [1]');
    const both = triple();
    both.set('conv.weight', t([2, 2, 1, 1], [1, 0, 0, 1]));
    expect(gcErrorOf(() => foldSpectralNorm(both, 'w.pth')).code).toBe('E_WEIGHTS_KEYS');
  });
});

describe('--random-init', () => {
  const parse = (json: Record<string, unknown>): SubnetSpec =>
    parseSubnetSpec(json, '/tmp/random-init/subnet.json', { weightsOptional: true });

  it('synthesises the sub-network where the name announces one: a legacy config wider than any default ngf needs none', () => {
    const spec = parse({ architecture: 'legacy_sub_mobile_resnet_9blocks', config: '32_32_40_48_16_32', input: { height: 16, width: 16 } });
    const r = exportSubnet(spec, { randomInit: { seed: 1 } });
    expect([r.summary.weightsKind, r.summary.ngf, r.summary.ngfSource]).toEqual(['subnet', null, null]);
  });

  it('synthesises a supernet for our names, and the full generator for the teachers', () => {
    const mobile = exportSubnet(
      parse({ architecture: 'mobile_resnet_9blocks', config: '8_8_8_8_8_8_8_8', ngf: 8, input: { height: 16, width: 16 } }),
      { randomInit: { seed: 1 } },
    );
    expect(mobile.summary.weightsKind).toBe('supernet');
    const gaugan = { semanticChannels: 4, cropSize: 64, numUpsamplingLayers: 'normal', ngf: 2 };
    const teacher = exportSubnet(parse({ architecture: 'spade', ...gaugan }), { randomInit: { seed: 1 } });
    expect([teacher.summary.weightsKind, teacher.summary.ngf]).toEqual(['full', 2]);
    const sub = exportSubnet(parse({ architecture: 'sub_mobile_spade', config: '2_2_2_2_2_2_2_2', ...gaugan }), {
      randomInit: { seed: 1 },
    });
    expect([sub.summary.weightsKind, sub.summary.ngf]).toEqual(['subnet', 2]);
  });
});
