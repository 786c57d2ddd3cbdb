/**
 * The upstream golden images (`test/fixtures/gan-compression/images`): each input PNG through
 * our pipeline (decode -> x/127.5-1 -> exported subnet on onnxruntime -> uint8 -> PNG) must match
 * the expected PNG within the manifest's tolerance. The model is exported from the supernet the
 * manifest names, with the lead's export pipeline.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { exportSubnet, parseSubnetSpec } from '@gc-edge/exporter';
import { createSession } from '../../src/session/create-session';
import type { GcSession } from '../../src/session/types';
import { encodeOutput } from '../../src/image/postprocess';
import { preprocessImage } from '../../src/image/preprocess';
import { tensorToRgb } from '../../src/image/tensor';
import { CPU_ONLY } from '../support/session-fixtures';
import { IMAGE_FIXTURES } from '../../../../test/support/fixtures';

const DIR = IMAGE_FIXTURES;
const MANIFEST = path.join(DIR, 'cases.json');

interface Manifest {
  model: { architecture: string; config: string; ngf: number; weights: string };
  tolerance: { maxAbsLsb: number };
  images: { input: string; expected: string }[];
}

const manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Manifest;

async function rgbOf(file: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function maxLsb(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe(`golden images: ${manifest.model.architecture} ${manifest.model.config}`, () => {
  let session: GcSession;
  let size: { width: number; height: number };

  beforeAll(async () => {
    const first = await rgbOf(path.join(DIR, manifest.images[0]!.input));
    size = { width: first.width, height: first.height };
    const { architecture, config, ngf, weights } = manifest.model;
    const spec = parseSubnetSpec(
      { architecture, config, ngf, weights, input: { batch: 1, channels: 3, height: size.height, width: size.width } },
      MANIFEST,
    );
    const { bytes } = exportSubnet(spec);
    session = await createSession(bytes, CPU_ONLY, { name: `${architecture}_${config}`, profiling: false });
  }, 120_000);

  afterAll(async () => {
    await session?.release();
  });

  it.each(manifest.images.map((c) => [c.input, c.expected] as const))(
    '%s reproduces %s within the manifest tolerance',
    async (input, expected) => {
      const pre = await preprocessImage(fs.readFileSync(path.join(DIR, input)), { ...size, policy: 'refuse' });
      const out = await session.run({ [session.info.inputs[0]!.name]: pre.tensor });
      const y = out[session.info.outputs[0]!.name]!;
      const rgb = tensorToRgb(y);
      const want = await rgbOf(path.join(DIR, expected));
      expect([rgb.width, rgb.height]).toEqual([want.width, want.height]);
      expect(maxLsb(rgb.data, want.data)).toBeLessThanOrEqual(manifest.tolerance.maxAbsLsb);

      // And the encoded PNG the daemon would send decodes to exactly those bytes.
      const png = await encodeOutput(y);
      const back = await sharp(png.data).raw().toBuffer();
      expect(maxLsb(back, rgb.data)).toBe(0);
    },
  );
});
