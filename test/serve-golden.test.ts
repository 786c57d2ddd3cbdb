/**
 * The upstream golden images through the daemon: the manifest's subnet exported with gc-export's
 * pipeline, served by gc-serve on 127.0.0.1, each input PNG POSTed with fetch; the PNG that comes
 * back must match the expected image within the manifest's tolerance (1 LSB).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { exportSubnet, parseSubnetSpec } from '@gc-edge/exporter';
import { IMAGES, type Running, startServer, tempDir, writeModel } from '../packages/runtime/test/serve/helpers';

const MANIFEST = join(IMAGES, 'cases.json');

interface Manifest {
  model: { architecture: string; config: string; ngf: number; weights: string };
  tolerance: { maxAbsLsb: number };
  images: { input: string; expected: string }[];
}

const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
const name = `${manifest.model.architecture}_${manifest.model.config}`;

async function rgbOf(image: string | Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function maxLsb(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe(`golden images through gc-serve: ${name}`, () => {
  let srv: Running;
  let cleanup: () => void;

  beforeAll(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const first = await rgbOf(join(IMAGES, manifest.images[0]!.input));
    const { architecture, config, ngf, weights } = manifest.model;
    const spec = parseSubnetSpec(
      { architecture, config, ngf, weights, input: { batch: 1, channels: 3, height: first.height, width: first.width } },
      MANIFEST,
    );
    writeModel(t.dir, name, exportSubnet(spec).bytes);
    // refuse: the golden inputs are the model's size; anything else would be a test bug.
    srv = await startServer({ target: t.dir, resizePolicy: 'refuse' });
  }, 120_000);

  afterAll(async () => {
    await srv?.stop();
    cleanup?.();
  });

  it('reports the exported architecture and config', async () => {
    const m = (await (await fetch(`${srv.url}/v2/models/${name}`)).json()) as Record<string, unknown>;
    expect(m).toMatchObject({ architecture: manifest.model.architecture, config: manifest.model.config, macs: expect.any(Number) });
  });

  it.each(manifest.images.map((c) => [c.input, c.expected] as const))(
    '%s comes back as %s within the tolerance',
    async (input, expected) => {
      const r = await fetch(`${srv.url}/v1/models/${name}/generate`, {
        method: 'POST',
        body: readFileSync(join(IMAGES, input)),
        headers: { 'content-type': 'image/png', accept: 'image/png' },
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('image/png');
      const got = await rgbOf(Buffer.from(await r.arrayBuffer()));
      const want = await rgbOf(join(IMAGES, expected));
      expect([got.width, got.height]).toEqual([want.width, want.height]);
      expect(maxLsb(got.data, want.data)).toBeLessThanOrEqual(manifest.tolerance.maxAbsLsb);
    },
  );
});
