/**
 * Label-map PNG -> prepareLabelMap -> a mobile_spade model gc-export built -> onnxruntime -> PNG:
 * against upstream's outputs (the spade fixture), and with the shipped Cityscapes example label map.
 */
import { maxAbsDiff, parseNpy } from '@gc-edge/core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { exportSubnet, parseSubnetSpec, runReference } from '@gc-edge/exporter';
import { encodeOutput } from '../../src/image/postprocess';
import { decodeLabelPng, prepareLabelMap } from '../../src/label-map';
import { encodePng } from './png-writer';
import { SPADE_FIXTURES } from '../../../../test/support/fixtures';

const REPO = path.resolve(__dirname, '../../../..');
const SPADE = SPADE_FIXTURES;
const EXAMPLE = path.join(REPO, 'examples', 'gaugan-cityscapes');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script, loaded by path
const { labelLayout } = require(path.join(REPO, 'scripts', 'make-gaugan-label-map.js')) as {
  labelLayout: () => { width: number; height: number; ids: Uint8Array };
};

interface SpadeCase {
  config: string;
  ngf: number;
  semanticChannels: number;
  labelChannels: number;
  containDontcareLabel: boolean;
  cropSize: number;
  aspectRatio: number;
  numUpsamplingLayers: string;
  weights: { pth: string };
  expected: string;
}
const manifest = JSON.parse(fs.readFileSync(path.join(SPADE, 'cases.json'), 'utf8')) as {
  tolerance: { maxAbs: number };
  cases: SpadeCase[];
};
const c = manifest.cases[0]!;

function fixtureModel(): ReturnType<typeof exportSubnet> {
  const { config, ngf, semanticChannels, cropSize, aspectRatio, numUpsamplingLayers } = c;
  const json = {
    architecture: 'mobile_spade',
    config,
    ngf,
    semanticChannels,
    cropSize,
    aspectRatio,
    numUpsamplingLayers,
    weights: c.weights.pth,
  };
  return exportSubnet(parseSubnetSpec(json, path.join(SPADE, 'subnet.json')));
}

async function run(model: Uint8Array, data: Float32Array, dims: readonly number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    return (await session.run({ input: new ort.Tensor('float32', data, [...dims]) }))['output']!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('label map -> mobile_spade -> image', () => {
  const exported = fixtureModel();

  it("reproduces upstream's output from the fixture's labels saved as a PNG", async () => {
    const labels = parseNpy(fs.readFileSync(path.join(SPADE, 'labels.npy')), 'labels.npy');
    const [, , height, width] = labels.shape as [number, number, number, number];
    const png = encodePng({ width, height, colorType: 0, samples: Array.from(labels.data as BigInt64Array, Number) });
    const input = await prepareLabelMap(png, {
      labelChannels: c.labelChannels,
      containDontcareLabel: c.containDontcareLabel,
      semanticChannels: c.semanticChannels,
      edges: 'forward', // how the fixture's input.npy was built (see fixture.test.ts)
    });
    const out = await run(exported.bytes, input.tensor.data, input.tensor.dims);
    const expected = parseNpy(fs.readFileSync(path.join(SPADE, c.expected)), c.expected);
    expect(maxAbsDiff(out, expected.data as Float32Array)).toBeLessThanOrEqual(manifest.tolerance.maxAbs);

    const image = await encodeOutput({ data: out, dims: expected.shape });
    const meta = await sharp(image.data).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', width, height, 3]);
  });

  it('the shipped example label maps (ids and colours) decode to the layout the script draws', async () => {
    const layout = labelLayout();
    const ids = await decodeLabelPng(fs.readFileSync(path.join(EXAMPLE, 'label-ids.png')));
    const colours = await decodeLabelPng(fs.readFileSync(path.join(EXAMPLE, 'label-color.png')));
    expect([ids.width, ids.height]).toEqual([layout.width, layout.height]);
    expect(Buffer.from(Uint8Array.from(ids.ids)).equals(Buffer.from(layout.ids))).toBe(true);
    expect(Buffer.from(Uint8Array.from(colours.ids)).equals(Buffer.from(layout.ids))).toBe(true);
  });

  it('the example label map, resized to the fixture model, runs on onnxruntime as the float64 reference does', async () => {
    const [, , height, width] = exported.model.graph.inputs[0]!.shape as number[];
    const input = await prepareLabelMap(fs.readFileSync(path.join(EXAMPLE, 'label-color.png')), {
      labelChannels: c.labelChannels,
      semanticChannels: c.semanticChannels,
      width,
      height,
      sizePolicy: 'resize',
    });
    const out = await run(exported.bytes, input.tensor.data, input.tensor.dims);
    const ref = runReference(exported.model.graph, { input: { dims: input.tensor.dims, data: Float64Array.from(input.tensor.data) } })[
      'output'
    ]!;
    expect(maxAbsDiff(out, ref.data)).toBeLessThanOrEqual(manifest.tolerance.maxAbs);
  });
});
