/**
 * GauGAN (mobile_spade) through gc-serve: the generate route takes a label map PNG (class ids, or
 * Cityscapes colours) and answers the generated photo, equal to running the model directly on
 * prepareLabelMap's output. Bad label maps get 400/413/415 and the daemon keeps serving. A small
 * mobile_spade with random weights exported by gc-export; real server, real fetch, real PNGs.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { exportSubnet, parseSubnetSpec } from '@gc-edge/exporter';
import { CITYSCAPES_PALETTE, prepareLabelMap } from '../../src/label-map';
import { tensorToRgb } from '../../src/image/tensor';
import { type Running, errorOf, startServer, tempDir, writeModel } from './helpers';

const WIDTH = 128;
const HEIGHT = 64;
const SEMANTIC_CHANNELS = 36; // Cityscapes: 35 label classes + 1 instance edge

/** A street scene in Cityscapes ids: sky, building | vegetation, road, a car, a person. */
function scene(width = WIDTH, height = HEIGHT, scale = 1): Uint8Array {
  const rects: [number, number, number, number, number][] = [
    // id, x0, y0, x1, y1 (exclusive), at 128x64
    [23, 0, 0, 128, 20], // sky
    [11, 0, 20, 64, 40], // building
    [21, 64, 20, 128, 40], // vegetation
    [7, 0, 40, 128, 64], // road
    [26, 20, 44, 50, 58], // car
    [24, 90, 30, 98, 56], // person
  ];
  const ids = new Uint8Array(width * height);
  for (const [id, x0, y0, x1, y1] of rects) {
    for (let y = y0 * scale; y < y1 * scale && y < height; y++) {
      ids.fill(id, y * width + x0 * scale, y * width + Math.min(x1 * scale, width));
    }
  }
  return ids;
}

function idPng(ids: Uint8Array, width = WIDTH, height = HEIGHT): Promise<Buffer> {
  return sharp(Buffer.from(ids), { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toBuffer();
}

function colourPng(ids: Uint8Array, width = WIDTH, height = HEIGHT): Promise<Buffer> {
  const colour = new Map(CITYSCAPES_PALETTE.entries.filter((e) => e.id >= 0).map((e) => [e.id, e.color]));
  const rgb = Buffer.alloc(ids.length * 3);
  ids.forEach((id, i) => rgb.set(colour.get(id)!, i * 3));
  return sharp(rgb, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** PNG colour type from IHDR: 0 greyscale, 2 RGB. */
const colourType = (png: Buffer): number => png[25]!;

let dir: string;
let cleanup: () => void;
let model: Uint8Array;
let srv: Running;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  const json = {
    architecture: 'mobile_spade',
    config: '8_8_8_8_8_8_8_8',
    ngf: 8,
    semanticChannels: SEMANTIC_CHANNELS,
    cropSize: WIDTH,
    aspectRatio: 2,
    numUpsamplingLayers: 'more',
  };
  const spec = parseSubnetSpec(json, join(dir, 'subnet.json'), { weightsOptional: true });
  model = exportSubnet(spec, { randomInit: { seed: 1 } }).bytes;
  writeModel(dir, 'spade', model);
  writeModel(dir, 'spade-dynamic', exportSubnet(spec, { randomInit: { seed: 1 }, dynamic: true }).bytes);
  srv = await startServer({ target: join(dir, 'spade.onnx') });
});

afterAll(async () => {
  await srv?.stop();
  cleanup?.();
});

function generate(url: string, body: Uint8Array, query = '', type = 'image/png', name = 'spade'): Promise<Response> {
  return fetch(`${url}/v1/models/${name}/generate${query}`, { method: 'POST', body, headers: { 'content-type': type } });
}

/** 200 with a PNG of the model's size; the PNG bytes. */
async function generated(url: string, body: Uint8Array, query = '', name = 'spade'): Promise<Buffer> {
  const r = await generate(url, body, query, 'image/png', name);
  if (r.status !== 200) throw new Error(`expected 200, got ${r.status}: ${await r.text()}`);
  expect(r.headers.get('content-type')).toBe('image/png');
  const png = Buffer.from(await r.arrayBuffer());
  const meta = await sharp(png).metadata();
  expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', WIDTH, HEIGHT, 3]);
  return png;
}

async function expectError(res: Promise<Response>, status: number, code: string): Promise<string> {
  const r = await res;
  const e = await errorOf(r);
  expect([r.status, e.code]).toEqual([status, code]);
  return e.message;
}

describe('gc-serve with a GauGAN (mobile_spade) model', () => {
  it('generates a 128x64 PNG from a one-channel class-id PNG and the same from its Cityscapes colours', async () => {
    const ids = await idPng(scene());
    const colours = await colourPng(scene());
    expect([colourType(ids), colourType(colours)]).toEqual([0, 2]);
    const fromIds = await generated(srv.url, ids);
    const fromColours = await generated(srv.url, colours);
    expect(fromColours.equals(fromIds)).toBe(true);
    // ... and the answer depends on the map: the road (7) redrawn as sidewalk (8) changes it.
    const sidewalk = scene().map((id) => (id === 7 ? 8 : id));
    expect((await generated(srv.url, await idPng(sidewalk))).equals(fromIds)).toBe(false);
  });

  it('answers what the model gives on prepareLabelMap output run directly in onnxruntime (within 1 LSB)', async () => {
    const png = await idPng(scene());
    const served = await sharp(await generated(srv.url, png)).raw().toBuffer();

    const input = await prepareLabelMap(png, {
      labelChannels: SEMANTIC_CHANNELS - 1,
      semanticChannels: SEMANTIC_CHANNELS,
      width: WIDTH,
      height: HEIGHT,
    });
    expect(input.tensor.dims).toEqual([1, SEMANTIC_CHANNELS, HEIGHT, WIDTH]);
    const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
    let out: ort.Tensor;
    try {
      out = (await session.run({ input: new ort.Tensor('float32', input.tensor.data, [...input.tensor.dims]) }))['output']!;
    } finally {
      await session.release();
    }
    const direct = tensorToRgb({ data: out.data as Float32Array, dims: out.dims });
    expect([direct.width, direct.height, served.length]).toEqual([WIDTH, HEIGHT, direct.data.length]);
    let maxDiff = 0;
    for (let i = 0; i < served.length; i++) maxDiff = Math.max(maxDiff, Math.abs(served[i]! - direct.data[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it('resizes a label map of another size with nearest neighbour under --resize-policy resize (the default)', async () => {
    const big = await idPng(scene(2 * WIDTH, 2 * HEIGHT, 2), 2 * WIDTH, 2 * HEIGHT);
    // PIL's nearest rule reads source pixel 2x+1: every class region maps back to the same pixels.
    expect((await generated(srv.url, big)).equals(await generated(srv.url, await idPng(scene())))).toBe(true);
  });

  it('refuses a class id outside the 35 classes with 400 E_LABEL_MAP, then serves the next request', async () => {
    const ids = scene();
    ids.fill(40, 0, 10);
    const msg = await expectError(generate(srv.url, await idPng(ids)), 400, 'E_LABEL_MAP');
    expect(msg).toMatch(/class ids outside 0\.\.34: 40 \(first at x 0, y 0\)/);
    await generated(srv.url, await idPng(scene()));
  });

  it('takes dontcare (255) pixels only when the request says ?dontcare=1', async () => {
    const ids = scene();
    ids.fill(255, 0, WIDTH);
    const png = await idPng(ids);
    const r = await generate(srv.url, png);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { hint: string }).hint).toMatch(/\?dontcare=1/);
    await generated(srv.url, png, '?dontcare=1');
    expect(await expectError(generate(srv.url, png, '?dontcare=maybe'), 400, 'E_BAD_REQUEST')).toMatch(/'dontcare'/);
    expect(await expectError(generate(srv.url, png, '?palette=ade20k'), 400, 'E_BAD_REQUEST')).toMatch(/Should be one of: dontcare/);
  });

  it('refuses JPEG: 415 when labelled image/jpeg, 400 "not a PNG" when labelled image/png', async () => {
    const jpeg = await sharp(await colourPng(scene())).jpeg().toBuffer();
    expect(await expectError(generate(srv.url, jpeg, '', 'image/jpeg'), 415, 'E_MEDIA_TYPE')).toMatch(/takes a label map.*image\/png/);
    expect(await expectError(generate(srv.url, jpeg), 400, 'E_LABEL_MAP')).toMatch(/not a PNG \(a JPEG\)/);
  });

  it('refuses a photo whose colours are not Cityscapes classes with 400 E_LABEL_MAP', async () => {
    const photo = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#123456' } }).png().toBuffer();
    expect(await expectError(generate(srv.url, photo), 400, 'E_LABEL_MAP')).toMatch(/#123456.*"cityscapes" palette/);
  });

  it('says in GET /v2/models/{name} that generate takes a label map', async () => {
    const m = (await (await fetch(`${srv.url}/v2/models/spade`)).json()) as Record<string, unknown>;
    expect(m).toMatchObject({
      architecture: 'mobile_spade',
      inputs: [{ name: 'input', shape: [1, SEMANTIC_CHANNELS, HEIGHT, WIDTH] }],
      generate: { takes: 'label-map', contentTypes: ['image/png'], width: WIDTH, height: HEIGHT, labelClasses: 35, palette: 'cityscapes' },
    });
  });

  it.each([
    ['refuse', /takes 128x64$/],
    ['crop', /takes 128x64; --resize-policy crop does not apply to label maps/],
  ] as const)('refuses a label map of another size under --resize-policy %s with 400 naming the valid size', async (policy, expected) => {
    const other = await startServer({ target: join(dir, 'spade.onnx'), resizePolicy: policy, maxPixels: WIDTH * HEIGHT });
    try {
      const half = await idPng(scene(WIDTH / 2, HEIGHT / 2), WIDTH / 2, HEIGHT / 2);
      const msg = await expectError(generate(other.url, half), 400, 'E_LABEL_MAP');
      expect(msg).toMatch(/^label map is 64x32 \(width x height\) but model 'spade' /);
      expect(msg).toMatch(expected);
      const big = await idPng(scene(2 * WIDTH, 2 * HEIGHT, 2), 2 * WIDTH, 2 * HEIGHT);
      expect(await expectError(generate(other.url, big), 413, 'E_IMAGE_TOO_LARGE')).toMatch(/256x128 is 32768 pixels, over the limit of 8192/);
      await generated(other.url, await idPng(scene()));
    } finally {
      await other.stop();
    }
  });

  it('takes a label map at its own size on a --dynamic export when the size is a multiple of 64', async () => {
    const other = await startServer({ target: join(dir, 'spade-dynamic.onnx') });
    try {
      const fixed = await generated(srv.url, await idPng(scene()));
      expect((await generated(other.url, await idPng(scene()), '', 'spade-dynamic')).equals(fixed)).toBe(true);
      const odd = await idPng(scene(96, HEIGHT), 96, HEIGHT);
      const msg = await expectError(generate(other.url, odd, '', 'image/png', 'spade-dynamic'), 400, 'E_LABEL_MAP');
      expect(msg).toMatch(/96x64 \(width x height\) but model 'spade-dynamic' takes any size whose width and height are multiples of 64/);
    } finally {
      await other.stop();
    }
  });
});
