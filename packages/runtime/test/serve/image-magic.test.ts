/**
 * Generate refuses bytes whose magic number is not what the Content-Type says (GIF, TIFF, SVG, PDF,
 * JPEG, random bytes labelled PNG / JPEG / WebP) before the image library parses them, naming what the
 * bytes look like. Real server, real fetch, real images made by sharp; the codec is the real one,
 * counted, so a test sees whether the decoder ran.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { defaultImageCodec } from '../../src/serve/image-codec';
import { type GcServer, createServer } from '../../src/serve/server';
import { BASELINE_ONNX, CPU_PROFILE, HORSE_PNG, errorOf, tempDir } from './helpers';

let server: GcServer;
let url: string;
let cleanup: () => void;
let decodes = 0;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  copyFileSync(BASELINE_ONNX, join(t.dir, 'h2z.onnx'));
  const codec = defaultImageCodec();
  server = createServer(
    { target: t.dir, profile: CPU_PROFILE, host: '127.0.0.1', port: 0, log: () => undefined },
    {
      decode: (bytes, options) => {
        decodes++;
        return codec.decode(bytes, options);
      },
      encodeRgb: (rgb, format) => codec.encodeRgb(rgb, format),
    },
  );
  url = await server.listen();
  expect(await server.loadModels()).toEqual([]);
});

afterAll(async () => {
  await server?.close();
  cleanup?.();
});

function generate(body: Uint8Array, type: string): Promise<Response> {
  return fetch(`${url}/v1/models/h2z/generate`, { method: 'POST', body, headers: { 'content-type': type } });
}

const photo = (): sharp.Sharp => sharp(HORSE_PNG);
const SVG = Buffer.from(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
/** Fixed pseudo-random bytes (a linear congruential sequence), no magic of any format. */
const RANDOM = Buffer.from(Array.from({ length: 4096 }, (_, i) => ((i * 1103515245 + 12345) >>> 16) & 0xff));

describe('gc-serve image magic vs Content-Type', () => {
  it.each([
    ['GIF', 'image/png', () => photo().gif().toBuffer(), /its bytes look like GIF, which gc-serve does not take/],
    ['TIFF', 'image/png', () => photo().tiff().toBuffer(), /its bytes look like TIFF/],
    ['SVG', 'image/png', () => Promise.resolve(SVG), /its bytes look like SVG \(XML text\)/],
    ['PDF', 'image/jpeg', () => Promise.resolve(PDF), /the body is not a JPEG image as its Content-Type image\/jpeg says: its bytes look like PDF/],
    ['SVG', 'image/webp', () => Promise.resolve(SVG), /not a WEBP image .*SVG/],
  ])('refuses %s bytes sent as %s with 415 E_IMAGE_TYPE before decoding them', async (_what, type, make, message) => {
    const before = decodes;
    const r = await generate(await make(), type);
    expect(r.status).toBe(415);
    const e = await errorOf(r);
    expect([e.code, e.message]).toEqual(['E_IMAGE_TYPE', expect.stringMatching(message)]);
    expect(decodes).toBe(before);
  });

  it('names the right Content-Type when the bytes are another format it takes', async () => {
    const jpeg = await photo().jpeg().toBuffer();
    const r = await generate(jpeg, 'image/png');
    expect(r.status).toBe(415);
    const body = (await r.json()) as { error: string; code: string; hint: string };
    expect(body).toEqual({
      error: 'the body is not a PNG image as its Content-Type image/png says: its bytes are a JPEG image',
      code: 'E_IMAGE_TYPE',
      hint: 'send it with Content-Type: image/jpeg',
    });
    const webpAsJpeg = await generate(await photo().webp().toBuffer(), 'image/jpeg');
    expect([webpAsJpeg.status, (await errorOf(webpAsJpeg)).message]).toEqual([415, expect.stringMatching(/are a WebP image/)]);
  });

  it.each(['image/png', 'image/jpeg', 'image/webp'])('refuses random bytes sent as %s with 400 E_IMAGE, undecoded', async (type) => {
    const before = decodes;
    const r = await generate(RANDOM, type);
    expect(r.status).toBe(400);
    const e = await errorOf(r);
    expect([e.code, e.message]).toEqual(['E_IMAGE', expect.stringMatching(/its first bytes are no image format$/)]);
    expect(decodes).toBe(before);
  });

  it('still decodes PNG, JPEG and WebP sent as what they are', async () => {
    const bodies: [Buffer, string][] = [
      [HORSE_PNG, 'image/png'],
      [await photo().jpeg().toBuffer(), 'image/jpeg'],
      [await photo().webp().toBuffer(), 'image/webp'],
      [await photo().jpeg().toBuffer(), 'image/jpg; charset=binary'],
    ];
    for (const [body, type] of bodies) {
      const before = decodes;
      const r = await generate(body, type);
      expect([type, r.status]).toEqual([type, 200]);
      await r.arrayBuffer();
      expect(decodes).toBe(before + 1);
    }
  });
});
