/**
 * The two really-trained toy models shipped in examples/ (upstream's released form: sub-network
 * checkpoints, named by upstream's --netG names): each exported by gc-export from its own subnet.json,
 * its inputs through the image pipeline a daemon runs (photos: preprocessImage; label maps:
 * prepareLabelMap with instance edges from the labels), onnxruntime, then tensorToRgb, must give the
 * PNGs PyTorch gave within the image fixtures' tolerance (1 LSB).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { exportSubnet, loadSubnetSpec, type InputSpec } from '@gc-edge/exporter';
import { createSession } from '../../src/session/create-session';
import type { FloatTensor, GcSession } from '../../src/session/types';
import { preprocessImage } from '../../src/image/preprocess';
import { tensorToRgb } from '../../src/image/tensor';
import { prepareLabelMap } from '../../src/label-map';
import { CPU_ONLY } from '../support/session-fixtures';
import { EXAMPLES, IMAGE_FIXTURES } from '../../../../test/support/fixtures';

/** The reference image pipeline's tolerance, shared with the upstream golden images. */
const imageCases = JSON.parse(fs.readFileSync(path.join(IMAGE_FIXTURES, 'cases.json'), 'utf8')) as { tolerance: { maxAbsLsb: number } };
const { maxAbsLsb } = imageCases.tolerance;

interface Example {
  readonly name: string;
  /** Input files are `<prefix>-<k>.png`, each with `expected-<k>.png`. */
  readonly prefix: string;
  /** The model input for one input PNG, for the model's input (subnet.json's). */
  readonly input: (png: Buffer, model: InputSpec) => Promise<FloatTensor>;
}

const EXAMPLE_MODELS: readonly Example[] = [
  {
    name: 'edges2shapes',
    prefix: 'edges',
    input: async (png, { width, height }) => (await preprocessImage(png, { width, height, policy: 'refuse' })).tensor,
  },
  {
    name: 'labels2scene',
    prefix: 'labels',
    // Cityscapes label ids, no dontcare label: every channel but the instance-edge one is a class
    input: async (png, { channels, width, height }) =>
      (await prepareLabelMap(png, { labelChannels: channels - 1, semanticChannels: channels, width, height })).tensor,
  },
];

async function rgbOf(png: Buffer): Promise<Buffer> {
  return sharp(png).removeAlpha().raw().toBuffer();
}

function maxLsb(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.each(EXAMPLE_MODELS)('examples/$name', (example) => {
  const dir = path.join(EXAMPLES, example.name);
  const inputs = fs.readdirSync(dir).filter((f) => f.startsWith(`${example.prefix}-`) && f.endsWith('.png')).sort();
  let session: GcSession;
  let modelInput: InputSpec;

  beforeAll(async () => {
    const spec = loadSubnetSpec(path.join(dir, 'subnet.json'));
    const { bytes, summary } = exportSubnet(spec);
    expect(summary.weightsKind).toBe('subnet'); // both are released-form sub-network checkpoints
    modelInput = spec.input;
    session = await createSession(bytes, CPU_ONLY, { name: example.name, profiling: false });
  }, 120_000);

  afterAll(async () => {
    await session?.release();
  });

  it('ships inputs, each with the output PyTorch gave', () => {
    expect(inputs.length).toBeGreaterThan(0);
    for (const f of inputs) expect(fs.existsSync(path.join(dir, f.replace(`${example.prefix}-`, 'expected-')))).toBe(true);
  });

  it.each(inputs)('%s reproduces its expected PNG within the tolerance', async (file) => {
    const tensor = await example.input(fs.readFileSync(path.join(dir, file)), modelInput);
    const out = await session.run({ [session.info.inputs[0]!.name]: tensor });
    const rgb = tensorToRgb(out[session.info.outputs[0]!.name]!);
    const want = await rgbOf(fs.readFileSync(path.join(dir, file.replace(`${example.prefix}-`, 'expected-'))));
    expect(rgb.data.length).toBe(want.length);
    expect(maxLsb(rgb.data, want)).toBeLessThanOrEqual(maxAbsLsb);
  });
});
