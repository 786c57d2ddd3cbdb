/** mobile_spade's subnet.json fields, the input size they imply, config checks and their errors. */
import * as path from 'node:path';
import { mobileSpade } from '../../src/architectures/mobile-spade';
import { roundHalfEven } from '../../src/architectures/spade/options';
import { buildModel } from '../../src/export';
import { randomStateDict } from '../../src/random-init';
import { loadSubnetSpec, parseSubnetSpec } from '../../src/subnet/parse';
import { REPO } from './helpers';
import { gcErrorOf } from '../../../../test/support/gc-error';

const FIXTURE_FIELDS = {
  architecture: 'mobile_spade',
  config: '8_8_8_8_8_8_8_8',
  ngf: 8,
  semanticChannels: 36,
  cropSize: 128,
  aspectRatio: 2,
  numUpsamplingLayers: 'more',
};

function parse(fields: Record<string, unknown>): ReturnType<typeof parseSubnetSpec> {
  return parseSubnetSpec({ ...FIXTURE_FIELDS, ...fields }, 'subnet.json', { weightsOptional: true });
}

describe('mobile_spade subnet.json', () => {
  it('derives the input from cropSize, aspectRatio and numUpsamplingLayers (fixture: 36x64x128)', () => {
    expect(parse({}).input).toEqual({ batch: 1, channels: 36, height: 64, width: 128 });
  });

  it('the shipped Cityscapes example takes 1x36x256x512', () => {
    const spec = loadSubnetSpec(path.join(REPO, 'examples/gaugan-cityscapes/subnet.json'), { weightsOptional: true });
    expect(spec.input).toEqual({ batch: 1, channels: 36, height: 256, width: 512 });
    expect(spec.config).toEqual([32, 32, 48, 32, 32, 32, 32, 24]);
  });

  it('rounds the latent height like Python round(): halves go to even', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
    // cropSize 320, 'more': latent width 5, round(5 / 2) = 2 rows -> 128 pixels high
    expect(parse({ cropSize: 320 }).input).toMatchObject({ height: 128, width: 320 });
  });

  it('refuses an input that is not the derived size, saying the valid one', () => {
    const e = gcErrorOf(() => parse({ input: { batch: 1, channels: 36, height: 128, width: 128 } }));
    expect(e.code).toBe('E_SUBNET_JSON');
    expect(e.message).toContain('takes 36x64x128');
    expect(e.hint).toBe('set "input": {"channels": 36, "height": 64, "width": 128} or leave "input" out');
  });

  it('refuses input channels other than semanticChannels', () => {
    expect(gcErrorOf(() => parse({ input: { channels: 3 } })).message).toContain('asks channels x height x width 3x?x?');
  });

  it('refuses "most" with the reason and the valid choices', () => {
    const e = gcErrorOf(() => parse({ numUpsamplingLayers: 'most' }));
    expect(e.code).toBe('E_SUBNET_JSON');
    expect(e.message).toContain('"most" is not supported: upstream SubMobileSPADEGenerator raises NotImplementedError');
    expect(e.hint).toBe('use one of: "normal", "more"');
  });

  it('refuses an unknown numUpsamplingLayers by listing the valid ones', () => {
    expect(gcErrorOf(() => parse({ numUpsamplingLayers: 'many' })).message).toContain('expected one of: "normal", "more"');
  });

  it('refuses a cropSize off the latent grid, suggesting the neighbours', () => {
    const e = gcErrorOf(() => parse({ cropSize: 500 }));
    expect(e.message).toContain('"cropSize" 500 is not a multiple of 64');
    expect(e.hint).toBe('use "cropSize": 448 or 512');
  });

  it('requires semanticChannels and cropSize', () => {
    const { semanticChannels: _s, ...noSemantic } = FIXTURE_FIELDS;
    expect(gcErrorOf(() => parseSubnetSpec(noSemantic, 'subnet.json', { weightsOptional: true })).message).toContain(
      '"semanticChannels" is required',
    );
    const { cropSize: _c, ...noCrop } = FIXTURE_FIELDS;
    expect(gcErrorOf(() => parseSubnetSpec(noCrop, 'subnet.json', { weightsOptional: true })).message).toContain('"cropSize" is required');
  });

  it('lists its own fields among the known ones for an unknown field', () => {
    const e = gcErrorOf(() => parse({ labelNc: 35 }));
    expect(e.hint).toContain('semanticChannels, cropSize, aspectRatio, numUpsamplingLayers');
  });

  it('names the layer and both widths when a config entry is wider than the supernet', () => {
    const e = gcErrorOf(() => mobileSpade.checkConfig([8, 8, 9, 8, 8, 8, 8, 8], 8, parse({})));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toBe('subnet.json: G_middle_0.conv_0: config asks 144 channels (entry 2 = 9) but the supernet has 128 (ngf 8)');
    expect(gcErrorOf(() => mobileSpade.checkConfig([8, 8, 8, 8, 8, 8, 8, 12], 8, parse({}))).message).toContain(
      'up_3.conv_0: config asks 12 channels',
    );
  });

  it('infers ngf from fc.weight and refuses weights built for other semantic channels', () => {
    const spec = parse({});
    const weights = randomStateDict(mobileSpade.supernetShapes({ ...spec, extras: { ...spec.extras, semanticChannels: 37 } }, 8), 1);
    expect(mobileSpade.inferNgf(weights)).toBe(8);
    const e = gcErrorOf(() => buildModel(spec, weights, 8));
    expect(e.code).toBe('E_WEIGHTS_SHAPE');
    expect(e.message).toContain('fc.weight has shape [128, 37, 3, 3]');
  });

  it("'normal' upsamples 5 times (no upsampling between the middle blocks), 'more' 6 times", () => {
    const count = (mode: string): number => {
      const spec = parse({ numUpsamplingLayers: mode, ngf: 2, config: '1_1_1_1_1_1_1_1' });
      const model = buildModel(spec, randomStateDict(mobileSpade.supernetShapes(spec, 2), 3), 2);
      return model.graph.nodes.filter((n) => n.opType === 'Resize' && n.name.endsWith('.up')).length;
    };
    expect(count('normal')).toBe(5);
    expect(count('more')).toBe(6);
  });
});
