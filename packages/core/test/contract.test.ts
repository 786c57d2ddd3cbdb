/**
 * The model contract's metadata keys: every contract round-trips (fast-check), malformed and newer
 * ones are refused naming the key, files exported before the contract are read through the
 * pre-contract table, the contract is checked against its graph, and the size-rule helpers agree
 * with a naive search.
 */
import fc from 'fast-check';
import {
  CONTRACT_VERSION,
  type ContractInput,
  type GcError,
  INPUT_KINDS,
  type ModelContract,
  OUTPUT_KINDS,
  POSTPROCESSING_OF,
  PREPROCESSING_OF,
  ROLES,
  type SizeRule,
  checkContractIo,
  decodeContract,
  describeSizeRule,
  encodeContract,
  fitUp,
  fitsSizeRule,
} from '@gc-edge/core';

const RUNS = { seed: 20250301, numRuns: 200 };

const size = fc.record({ height: fc.integer({ min: 1, max: 4096 }), width: fc.integer({ min: 1, max: 4096 }) });
const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.:/-]{0,15}$/);

const input = fc
  .record({
    name,
    kind: fc.constantFrom(...INPUT_KINDS),
    channels: fc.integer({ min: 1, max: 64 }),
    multiple: fc.integer({ min: 1, max: 128 }),
    min: fc.integer({ min: 1, max: 256 }),
    fixed: fc.option(size, { nil: undefined }),
    defaultSize: fc.option(size, { nil: undefined }),
    instanceEdge: fc.boolean(),
  })
  .map((r): ContractInput => {
    const channels = r.kind === 'photo' ? 3 : r.kind === 'label_map' ? Math.max(2, r.channels) : r.channels;
    return {
      name: r.name,
      kind: r.kind,
      channels,
      preprocess: PREPROCESSING_OF[r.kind],
      size: r.fixed ? { multiple: r.multiple, min: r.min, fixed: r.fixed } : { multiple: r.multiple, min: r.min },
      ...(r.defaultSize ? { defaultSize: r.defaultSize } : {}),
      ...(r.kind === 'label_map' ? { instanceEdge: r.instanceEdge } : {}),
    };
  });

const contract: fc.Arbitrary<ModelContract> = fc.record({
  version: fc.constant(CONTRACT_VERSION),
  family: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/),
  role: fc.constantFrom(...ROLES),
  inputs: fc.uniqueArray(input, { minLength: 1, maxLength: 4, selector: (t) => t.name }),
  outputs: fc.array(
    fc.record({ name, kind: fc.constantFrom(...OUTPUT_KINDS) }).map((o) => ({ ...o, postprocess: POSTPROCESSING_OF[o.kind] })),
    { minLength: 1, maxLength: 3 },
  ),
});

/** A photo model as gc-export writes it, for the refusal cases. */
const PHOTO: ModelContract = {
  version: CONTRACT_VERSION,
  family: 'cyclegan-resnet',
  role: 'student',
  inputs: [
    {
      name: 'input',
      kind: 'photo',
      channels: 3,
      preprocess: 'rgb_pm1',
      size: { multiple: 4, min: 8 },
      defaultSize: { height: 256, width: 256 },
    },
  ],
  outputs: [{ name: 'output', kind: 'photo', postprocess: 'pm1_rgb' }],
};

function refusal(metadata: Record<string, string>): GcError {
  try {
    decodeContract(metadata, 'm.onnx');
  } catch (e) {
    return e as GcError;
  }
  throw new Error('expected decodeContract to refuse');
}

describe('model contract metadata', () => {
  it('reads back every contract it writes, only under gc_edge.* keys', () => {
    fc.assert(
      fc.property(contract, (c) => {
        const md = encodeContract(c);
        expect(Object.keys(md).every((k) => k.startsWith('gc_edge.'))).toBe(true);
        expect(decodeContract(md)).toEqual({ ...c, origin: 'contract' });
      }),
      RUNS,
    );
  });

  it('writes the documented keys for a photo model', () => {
    expect(encodeContract(PHOTO)).toEqual({
      'gc_edge.contract': '1',
      'gc_edge.family': 'cyclegan-resnet',
      'gc_edge.role': 'student',
      'gc_edge.inputs': '1',
      'gc_edge.input.0.name': 'input',
      'gc_edge.input.0.kind': 'photo',
      'gc_edge.input.0.channels': '3',
      'gc_edge.input.0.preprocess': 'rgb_pm1',
      'gc_edge.input.0.size.multiple': '4',
      'gc_edge.input.0.size.min': '8',
      'gc_edge.input.0.default_size': '256x256',
      'gc_edge.outputs': '1',
      'gc_edge.output.0.name': 'output',
      'gc_edge.output.0.kind': 'photo',
      'gc_edge.output.0.postprocess': 'pm1_rgb',
    });
  });

  it('ignores gc_edge.* keys it does not know (later versions may add optional ones) and the old keys', () => {
    const md = { ...encodeContract(PHOTO), 'gc_edge.input.0.colour_space': 'srgb', architecture: 'something_else' };
    expect(decodeContract(md)).toEqual({ ...PHOTO, origin: 'contract' });
  });

  it('refuses a contract newer than the one it reads, saying to upgrade', () => {
    const e = refusal({ ...encodeContract(PHOTO), 'gc_edge.contract': '2' });
    expect([e.code, e.message]).toEqual([
      'E_MODEL_CONTRACT',
      "m.onnx: metadata 'gc_edge.contract' is 2, newer than the contract 1 this gc-edge reads",
    ]);
    expect(e.hint).toMatch(/upgrade gc-edge/);
  });

  it.each([
    ['a missing key', { 'gc_edge.input.0.kind': undefined }, "m.onnx: metadata 'gc_edge.input.0.kind' is missing (the contract needs it)"],
    [
      'an unknown kind',
      { 'gc_edge.input.0.kind': 'noise' },
      "m.onnx: metadata 'gc_edge.input.0.kind' is 'noise'; should be one of: photo, label_map, tensor",
    ],
    [
      'an unknown role',
      { 'gc_edge.role': 'baseline' },
      "m.onnx: metadata 'gc_edge.role' is 'baseline'; should be one of: teacher, student",
    ],
    [
      'a preprocessing of another kind',
      { 'gc_edge.input.0.preprocess': 'one_hot' },
      "m.onnx: metadata 'gc_edge.input.0.preprocess' 'one_hot' does not go with kind 'photo' (contract 1: 'rgb_pm1')",
    ],
    [
      'a size that is not HxW',
      { 'gc_edge.input.0.default_size': '256' },
      "m.onnx: metadata 'gc_edge.input.0.default_size' is '256'; expected HxW (height x width), e.g. 256x256",
    ],
    [
      'a zero multiple',
      { 'gc_edge.input.0.size.multiple': '0' },
      "m.onnx: metadata 'gc_edge.input.0.size.multiple' is '0'; expected an integer >= 1",
    ],
    ['a photo of 4 channels', { 'gc_edge.input.0.channels': '4' }, "m.onnx: metadata 'gc_edge.input.0.channels' is 4; a photo has 3 (RGB)"],
    [
      'an instance edge on a photo',
      { 'gc_edge.input.0.instance_edge': 'true' },
      "m.onnx: metadata 'gc_edge.input.0.instance_edge' is set, but input 0 is a photo, not a label_map",
    ],
    ['a count past its entries', { 'gc_edge.inputs': '2' }, "m.onnx: metadata 'gc_edge.input.1.kind' is missing (the contract needs it)"],
  ])('refuses %s, naming the key', (_what, change, message) => {
    const md: Record<string, string> = { ...encodeContract(PHOTO) };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete md[k];
      else md[k] = v;
    }
    const e = refusal(md);
    expect([e.code, e.message]).toEqual(['E_MODEL_CONTRACT', message]);
    expect(e.hint).toMatch(/re-export/);
  });

  it('refuses to write what it would not read', () => {
    expect(() => encodeContract({ ...PHOTO, family: 'Not A Name' })).toThrow(/gc_edge.family/);
  });
});

describe('files exported before the contract', () => {
  it.each([
    ['resnet_9blocks', {}, 'cyclegan-resnet', 'teacher', { multiple: 4, min: 8 }],
    ['mobile_resnet_9blocks', {}, 'cyclegan-resnet', 'student', { multiple: 4, min: 8 }],
    ['legacy_mobile_resnet_9blocks', {}, 'cyclegan-resnet', 'student', { multiple: 4, min: 8 }],
  ])('reads %s as the photo model it was', (architecture, extra, family, role, rule) => {
    const c = decodeContract({ architecture, config: '', macs_input_shape: '1x3x256x128', ...extra })!;
    expect(c).toEqual({
      version: 1,
      family,
      role,
      origin: 'pre-contract',
      inputs: [{ name: 'input', kind: 'photo', channels: 3, preprocess: 'rgb_pm1', size: rule, defaultSize: { height: 256, width: 128 } }],
      outputs: [{ name: 'output', kind: 'photo', postprocess: 'pm1_rgb' }],
    });
  });

  it.each([
    ['more', { multiple: 64, min: 64 }],
    ['normal', { multiple: 32, min: 32 }],
  ])('reads a GauGAN file with numUpsamplingLayers %s as a label-map model', (mode, rule) => {
    const c = decodeContract({
      architecture: 'mobile_spade',
      semanticChannels: '36',
      numUpsamplingLayers: mode,
      macs_input_shape: '1x36x256x512',
    })!;
    expect(c).toMatchObject({ family: 'gaugan-spade', role: 'student', origin: 'pre-contract' });
    expect(c.inputs).toEqual([
      {
        name: 'input',
        kind: 'label_map',
        channels: 36,
        preprocess: 'one_hot',
        size: rule,
        defaultSize: { height: 256, width: 512 },
        instanceEdge: true,
      },
    ]);
  });

  it('reads a ResNet of other than 3 input channels as a tensor model', () => {
    expect(decodeContract({ architecture: 'resnet_9blocks', macs_input_shape: '1x1x64x64' })!.inputs[0]).toMatchObject({
      kind: 'tensor',
      channels: 1,
      preprocess: 'none',
    });
  });

  it.each([
    ['no metadata', {}],
    ['an architecture it never knew', { architecture: 'something_else' }],
    ['a name of Object.prototype', { architecture: 'constructor' }],
    ['only macs_input_shape', { macs_input_shape: '1x3x64x64' }],
  ])('declares nothing for %s', (_what, md) => {
    expect(decodeContract(md)).toBeUndefined();
  });
});

describe('the contract against its graph', () => {
  const graph = (inputShape: (number | string)[], inputName = 'input', outputName = 'output') => ({
    inputs: [{ name: inputName, shape: inputShape }],
    outputs: [{ name: outputName }],
  });

  it('accepts the graph it describes, fixed or symbolic', () => {
    expect(() => checkContractIo(PHOTO, graph([1, 3, 256, 256]), 'm')).not.toThrow();
    expect(() => checkContractIo(PHOTO, graph(['batch', 3, 'height', 'width']), 'm')).not.toThrow();
  });

  it.each([
    ['another input name', graph([1, 3, 8, 8], 'image'), "it declares inputs 'input', the graph has 'image'"],
    ['another output name', graph([1, 3, 8, 8], 'input', 'y'), "it declares outputs 'output', the graph has 'y'"],
    ['other channels', graph([1, 4, 8, 8]), "input 'input' has 4 channels in the graph, 3 in the contract"],
  ])('refuses %s', (_what, io, what) => {
    expect(() => checkContractIo(PHOTO, io, 'm')).toThrow(`m: the contract in the metadata does not fit the graph: ${what}`);
  });

  it('refuses a fixed size the graph contradicts', () => {
    const fixed: ModelContract = {
      ...PHOTO,
      inputs: [{ ...PHOTO.inputs[0]!, size: { multiple: 1, min: 1, fixed: { height: 24, width: 40 } } }],
    };
    expect(() => checkContractIo(fixed, graph(['b', 3, 'h', 'w']), 'm')).not.toThrow();
    expect(() => checkContractIo(fixed, graph([1, 3, 24, 40]), 'm')).not.toThrow();
    expect(() => checkContractIo(fixed, graph([1, 3, 40, 24]), 'm')).toThrow(/the contract fixes its size at 24x40/);
  });
});

describe('size rules', () => {
  const rule = fc.record({ multiple: fc.integer({ min: 1, max: 70 }), min: fc.integer({ min: 1, max: 300 }) });

  it('fits a size up to the smallest one the rule allows (naive search)', () => {
    fc.assert(
      fc.property(rule, fc.integer({ min: 0, max: 2000 }), (r: SizeRule, n) => {
        let naive = Math.max(n, 1);
        while (!fitsSizeRule(r, naive)) naive++;
        expect(fitUp(r, n)).toBe(naive);
      }),
      RUNS,
    );
  });

  it.each([
    [{ multiple: 4, min: 8 }, 'multiples of 4, at least 8'],
    [{ multiple: 64, min: 64 }, 'multiples of 64'],
    [{ multiple: 1, min: 1 }, 'any size'],
    [{ multiple: 1, min: 16 }, 'at least 16'],
    [{ multiple: 1, min: 1, fixed: { height: 24, width: 40 } }, '24x40 (height x width)'],
  ])('describes %j as %j', (r, text) => {
    expect(describeSizeRule(r)).toBe(text);
  });
});
