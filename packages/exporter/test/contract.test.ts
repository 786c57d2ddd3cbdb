/**
 * The model contract gc-export writes: what each architecture declares reaches the metadata and
 * reads back through core's decoder (the round trip from writer to reader), the pre-contract table
 * core keeps for older files says the same as the architectures do now, --random-init takes the
 * architecture's defaultNgf, and --verify's seeded input follows the contract's input kind.
 */
import { CONTRACT_KEY, decodeContract, encodeContract, GraphBuilder, type Model } from '@gc-edge/core';
import { ARCHITECTURES, buildModel, getArchitecture, parseSubnetSpec, resolveWeights, seededInput } from '@gc-edge/exporter';

/** One small export per architecture, and what its contract must say. */
const CASES = [
  {
    json: { architecture: 'mobile_resnet_9blocks', config: '4_4_4_4_4_4_4_4', ngf: 4, input: { height: 16, width: 24 } },
    expected: {
      family: 'cyclegan-resnet',
      role: 'student',
      kind: 'photo',
      channels: 3,
      size: { multiple: 4, min: 8 },
      defaultSize: { height: 16, width: 24 },
    },
  },
  {
    json: { architecture: 'legacy_mobile_resnet_9blocks', config: '4_4_4_4_4_4', ngf: 4, input: { height: 16, width: 16 } },
    expected: {
      family: 'cyclegan-resnet',
      role: 'student',
      kind: 'photo',
      channels: 3,
      size: { multiple: 4, min: 8 },
      defaultSize: { height: 16, width: 16 },
    },
  },
  {
    json: { architecture: 'resnet_9blocks', ngf: 4, input: { height: 8, width: 8 } },
    expected: {
      family: 'cyclegan-resnet',
      role: 'teacher',
      kind: 'photo',
      channels: 3,
      size: { multiple: 4, min: 8 },
      defaultSize: { height: 8, width: 8 },
    },
  },
  {
    json: {
      architecture: 'mobile_spade',
      config: '4_4_2_4_3_4_4_2',
      ngf: 4,
      semanticChannels: 36,
      cropSize: 128,
      aspectRatio: 2,
      numUpsamplingLayers: 'more',
    },
    expected: {
      family: 'gaugan-spade',
      role: 'student',
      kind: 'label_map',
      channels: 36,
      size: { multiple: 64, min: 64 },
      defaultSize: { height: 64, width: 128 },
      instanceEdge: true,
    },
  },
  {
    json: {
      architecture: 'mobile_spade',
      config: '4_4_2_4_3_4_4_2',
      ngf: 4,
      semanticChannels: 20,
      cropSize: 64,
      aspectRatio: 1,
      numUpsamplingLayers: 'normal',
    },
    expected: {
      family: 'gaugan-spade',
      role: 'student',
      kind: 'label_map',
      channels: 20,
      size: { multiple: 32, min: 32 },
      defaultSize: { height: 64, width: 64 },
      instanceEdge: true,
    },
  },
] as const;

function exported(json: object, dynamic = false): Model {
  const spec = parseSubnetSpec(json, '/tmp/contract/subnet.json', { weightsOptional: true });
  const { weights, ngf } = resolveWeights(spec, { randomInit: { seed: 1 } });
  return buildModel(spec, weights, ngf, { dynamic, randomInit: { seed: 1 } });
}

/** The metadata a pre-contract gc-export wrote: the same, without the gc_edge.* keys. */
function withoutContract(md: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(md).filter(([k]) => !k.startsWith('gc_edge.')));
}

describe.each(CASES)('the contract of $json.architecture', ({ json, expected }) => {
  const { instanceEdge, ...input } = { instanceEdge: undefined, ...expected };

  it.each([false, true])('is written with the export (dynamic %s) and reads back as declared', (dynamic) => {
    const model = exported(json, dynamic);
    expect(model.metadata[CONTRACT_KEY]).toBe('1');
    expect(model.metadata['architecture']).toBe(json.architecture); // kept for people and older readers
    const c = decodeContract(model.metadata)!;
    expect(c).toMatchObject({ origin: 'contract', version: 1, family: input.family, role: input.role });
    expect(c.inputs).toEqual([
      {
        name: 'input',
        kind: input.kind,
        channels: input.channels,
        preprocess: input.kind === 'label_map' ? 'one_hot' : 'rgb_pm1',
        size: input.size,
        defaultSize: input.defaultSize,
        ...(instanceEdge !== undefined ? { instanceEdge } : {}),
      },
    ]);
    expect(c.outputs).toEqual([{ name: 'output', kind: 'photo', postprocess: 'pm1_rgb' }]);
  });

  it("is what core's pre-contract table derives from the old keys alone", () => {
    const md = exported(json).metadata;
    const { origin, ...declared } = decodeContract(md)!;
    expect(origin).toBe('contract');
    expect(decodeContract(withoutContract(md))).toEqual({ ...declared, origin: 'pre-contract' });
  });
});

describe("the contract of GauGAN's teacher (spade, new with the contract: no pre-contract files exist)", () => {
  it('is the gaugan-spade family\'s teacher, so compare measures mobile_spade students against it', () => {
    const json = { architecture: 'spade', ngf: 2, semanticChannels: 5, cropSize: 64, aspectRatio: 1, numUpsamplingLayers: 'normal' };
    const c = decodeContract(exported(json).metadata)!;
    expect(c).toMatchObject({ origin: 'contract', family: 'gaugan-spade', role: 'teacher' });
    expect(c.inputs).toEqual([
      {
        name: 'input',
        kind: 'label_map',
        channels: 5,
        preprocess: 'one_hot',
        size: { multiple: 32, min: 32 },
        defaultSize: { height: 64, width: 64 },
        instanceEdge: true,
      },
    ]);
  });
});

describe('what the architectures declare beside the graph', () => {
  it('copies each architecture its own subnet.json fields into the metadata, and no other', () => {
    const spade = exported(CASES[3].json).metadata;
    expect(spade).toMatchObject({ semanticChannels: '36', cropSize: '128', aspectRatio: '2', numUpsamplingLayers: 'more' });
    expect(getArchitecture('mobile_spade').extraFields).toEqual(['semanticChannels', 'cropSize', 'aspectRatio', 'numUpsamplingLayers']);
    expect(Object.keys(exported(CASES[0].json).metadata).filter((k) => k === 'semanticChannels' || k === 'cropSize')).toEqual([]);
  });

  it("gives --random-init without ngf the architecture's defaultNgf", () => {
    const spec = parseSubnetSpec(
      { architecture: 'mobile_resnet_9blocks', config: '4_4_4_4_4_4_4_4', input: { height: 8, width: 8 } },
      '/tmp/contract/subnet.json',
      { weightsOptional: true },
    );
    expect(resolveWeights(spec, { randomInit: { seed: 0 } }).ngf).toBe(getArchitecture('mobile_resnet_9blocks').defaultNgf);
    expect(Object.fromEntries(ARCHITECTURES.map((a) => [a.name, a.defaultNgf]))).toEqual({
      mobile_resnet_9blocks: 32,
      legacy_mobile_resnet_9blocks: 32,
      resnet_9blocks: 64,
      mobile_spade: 48,
      spade: 64,
    });
  });
});

describe("--verify's seeded input follows the contract's input kind", () => {
  /** y = x on [1, c, h, w], carrying only contract keys (no architecture gc-edge knows). */
  function identity(channels: number, kind: 'photo' | 'label_map' | 'tensor', instanceEdge?: boolean): Model {
    const g = new GraphBuilder('identity');
    const x = g.input({ name: 'x', elemType: 'float32', shape: [1, channels, 8, 8] });
    g.rename(g.node('Identity', 'id', [x]), 'y');
    g.output({ name: 'y', elemType: 'float32', shape: [1, channels, 8, 8] });
    const metadata = encodeContract({
      version: 1,
      family: 'toy',
      role: 'student',
      inputs: [
        {
          name: 'x',
          kind,
          channels,
          preprocess: kind === 'photo' ? 'rgb_pm1' : kind === 'label_map' ? 'one_hot' : 'none',
          size: { multiple: 1, min: 1 },
          ...(instanceEdge !== undefined ? { instanceEdge } : {}),
        },
      ],
      outputs: [{ name: 'y', kind: 'tensor', postprocess: 'none' }],
    });
    return {
      graph: g.finish(),
      opset: 13,
      producerName: 'test',
      producerVersion: '0',
      metadata: { ...metadata, architecture: 'munit_two_input' },
    };
  }

  /** Sum over the first `labels` channels at each pixel. */
  function classSums(data: Float32Array, labels: number, plane: number): Set<number> {
    const sums = new Set<number>();
    for (let p = 0; p < plane; p++) {
      let s = 0;
      for (let c = 0; c < labels; c++) s += data[c * plane + p]!;
      sums.add(s);
    }
    return sums;
  }

  it.each([
    [true, 5, 4],
    [false, 5, 5],
  ])(
    'a label map with instance edge %s (%i channels): one class per pixel over the first %i, the rest edges',
    (instanceEdge, channels, labels) => {
      const data = seededInput(identity(channels, 'label_map', instanceEdge), [1, channels, 8, 8], 0);
      expect(new Set(data)).toEqual(new Set([0, 1]));
      expect(classSums(data, labels, 64)).toEqual(new Set([1]));
    },
  );

  it('values in [-1, 1] for a photo or a tensor', () => {
    for (const [c, kind] of [[3, 'photo'], [8, 'tensor']] as const) {
      const data = seededInput(identity(c, kind), [1, c, 8, 8], 0);
      expect(new Set(data).size).toBeGreaterThan(100);
      expect(data.every((v) => v >= -1 && v <= 1)).toBe(true);
    }
  });
});
