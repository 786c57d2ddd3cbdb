/** Config validation, weight checks, supernet key tables and the architecture registry. */
import { GraphBuilder, type StateDict } from '@gc-edge/core';
import { architectureNames, getArchitecture, loadStateDict } from '@gc-edge/exporter';
import { join } from 'path';
import type { SubnetSpec } from '../../src/subnet/spec';
import { RESNET_FIXTURES } from './resnet-fixtures';
import { gcErrorOf } from '../../../../test/support/gc-error';

const mobile = getArchitecture('mobile_resnet_9blocks');
const legacy = getArchitecture('legacy_mobile_resnet_9blocks');
const teacher = getArchitecture('resnet_9blocks');

function spec(architecture: string, config: number[] | null, height = 64): SubnetSpec {
  return {
    source: 'subnet.json',
    architecture,
    config,
    weights: null,
    ngf: undefined,
    input: { batch: 1, channels: 3, height, width: height },
    output: { channels: 3 },
    extras: {},
  };
}

describe('config validation', () => {
  it.each([mobile, legacy])('$name refuses a config with the wrong number of entries, listing the accepted counts', (arch) => {
    const e = gcErrorOf(() => arch.checkConfig([16, 16, 16, 16, 16, 16, 16], 16, spec(arch.name, null)));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toMatch(/has 7 entries, expected 8 or 6/);
  });

  it('names the layer and both widths when an entry is wider than the supernet', () => {
    // entry 4 sets blocks 3-5 (inner width 4 * 24 = 96) in an ngf 16 supernet (64)
    const e = gcErrorOf(() => mobile.checkConfig([16, 16, 16, 16, 24, 16, 16, 16], 16, spec(mobile.name, null)));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toBe(
      'block3.sep1.pointwise (model.13.conv_block.1.conv.2): config entry 4 (24) asks 96 channels but the supernet has 64 (ngf 16)',
    );
  });

  it('maps 6-entry configs to the upsampling layers from entry 4 on', () => {
    const e = gcErrorOf(() => mobile.checkConfig([16, 16, 16, 16, 17, 16], 16, spec(mobile.name, null)));
    expect(e.message).toMatch(/^up1\.conv_transpose \(model\.19\): config entry 4 \(17\) asks 34 channels but the supernet has 32/);
  });

  it('checks the legacy variant only where its blocks read the entry', () => {
    // legacy 8-entry: entry 5 is read by block 6 only
    const e = gcErrorOf(() => legacy.checkConfig([8, 8, 8, 8, 8, 32, 8, 8], 16, spec(legacy.name, null)));
    expect(e.message).toMatch(/^block6\.sep1\.pointwise .*config entry 5 \(32\) asks 128 channels but the supernet has 64/);
  });

  it.each([0, -8, 2.5])('refuses a non-positive or non-integer entry (%p)', (bad) => {
    const e = gcErrorOf(() => mobile.checkConfig([16, bad, 16, 16, 16, 16], 16, spec(mobile.name, null)));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toMatch(new RegExp(`config entry 1 is ${bad}; every entry must be a positive integer`));
  });

  it('requires a config for the mobile variants and refuses one for the full generator', () => {
    expect(gcErrorOf(() => mobile.checkConfig(null, 16, spec(mobile.name, null))).code).toBe('E_CONFIG');
    const e = gcErrorOf(() => teacher.checkConfig([8, 8, 8, 8, 8, 8], 8, spec(teacher.name, null)));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toMatch(/takes no config/);
  });

  it('accepts configs at the supernet width', () => {
    expect(() => mobile.checkConfig([16, 16, 16, 16, 16, 16, 16, 16], 16, spec(mobile.name, null))).not.toThrow();
    expect(() => legacy.checkConfig([1, 1, 1, 1, 1, 1], 16, spec(legacy.name, null))).not.toThrow();
  });
});

describe('supernet key tables', () => {
  const cases: [string, string, number][] = [
    ['mobile_resnet_9blocks', 'supernet.safetensors', 16],
    ['legacy_mobile_resnet_9blocks', 'supernet.safetensors', 16],
    ['resnet_9blocks', 'teacher.safetensors', 8],
  ];
  it.each(cases)('%s lists exactly the keys and shapes of the upstream state_dict (%s)', (name, file, ngf) => {
    const arch = getArchitecture(name);
    const weights = loadStateDict(join(RESNET_FIXTURES, file));
    expect(arch.inferNgf(weights)).toBe(ngf);
    const shapes = arch.supernetShapes(spec(name, null), ngf);
    expect([...shapes.keys()]).toEqual([...weights.keys()]);
    for (const [key, shape] of shapes) expect([key, [...shape]]).toEqual([key, [...weights.get(key)!.shape]]);
  });

  it('cannot infer ngf without the stem conv', () => {
    const e = gcErrorOf(() => mobile.inferNgf(new Map()));
    expect(e.code).toBe('E_WEIGHTS_KEYS');
    expect(e.message).toMatch(/^model\.1\.weight: missing/);
  });
});

describe('weights given to build', () => {
  const full = loadStateDict(join(RESNET_FIXTURES, 'supernet.safetensors'));
  const build = (weights: StateDict): string =>
    mobile.build(new GraphBuilder('t'), 'input', weights, spec(mobile.name, [8, 8, 8, 8, 8, 8]), 16);

  it('names a missing key', () => {
    const weights = new Map(full);
    weights.delete('model.14.conv_block.6.conv.0.bias');
    const e = gcErrorOf(() => build(weights));
    expect(e.code).toBe('E_WEIGHTS_KEYS');
    expect(e.message).toMatch(/^model\.14\.conv_block\.6\.conv\.0\.bias: missing/);
  });

  it('names a key whose shape is not the supernet one, with both shapes', () => {
    const weights = new Map(full);
    weights.set('model.22.weight', { shape: [32, 8, 3, 3], data: new Float32Array(32 * 8 * 9) });
    const e = gcErrorOf(() => build(weights));
    expect(e.code).toBe('E_WEIGHTS_SHAPE');
    expect(e.message).toMatch(/^model\.22\.weight: the weights have \[32, 8, 3, 3\], the .* expects \[32, 16, 3, 3\]/);
  });
});

describe('input', () => {
  it('defaults to 1x3x256x256', () => {
    expect(mobile.resolveInput(spec(mobile.name, [8, 8, 8, 8, 8, 8]), undefined)).toEqual({
      batch: 1,
      channels: 3,
      height: 256,
      width: 256,
    });
  });

  it.each([[250], [4]])('refuses a height of %p (not a multiple of 4 of at least 8)', (height) => {
    const e = gcErrorOf(() => teacher.resolveInput(spec(teacher.name, null), { height }));
    expect(e.code).toBe('E_SUBNET_JSON');
    expect(e.message).toMatch(/"input\.height" is \d+; resnet_9blocks needs a multiple of 4, at least 8/);
  });
});

describe('architecture registry', () => {
  it('refuses an unknown name, listing the known ones', () => {
    const e = gcErrorOf(() => getArchitecture('mobile_resnet_6blocks', 'x/subnet.json'));
    expect(e.code).toBe('E_SUBNET_JSON');
    expect(e.message).toContain('x/subnet.json: unknown architecture "mobile_resnet_6blocks"; should be one of: ');
    for (const name of ['mobile_resnet_9blocks', 'legacy_mobile_resnet_9blocks', 'resnet_9blocks']) expect(e.message).toContain(name);
  });

  it('finds every listed architecture by its name', () => {
    for (const name of architectureNames()) expect(getArchitecture(name).name).toBe(name);
  });
});
