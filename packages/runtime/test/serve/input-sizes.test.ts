/**
 * What input sizes a model takes, on both routes: symbolic-size ResNet generators get images of any
 * size on generate (mirror-padded to multiples of 4, at least 8, the answer cropped back), infer
 * refuses tensors the model cannot take before allocating anything (zero dims, dims off the size
 * rule, more values than a body can carry), onnxruntime's dimension errors are 400s, and the
 * per-model pixel cap (--max-model-pixels, or derived from the model) answers 413 before inference.
 * Small gc-export models with random weights; real server, real fetch, real images.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { GraphBuilder, GcError, encodeModel } from '@gc-edge/core';
import { exportSubnet, parseSubnetSpec } from '@gc-edge/exporter';
import { preprocessImage } from '../../src/image/preprocess';
import { tensorToRgb } from '../../src/image/tensor';
import { cropTensor, padTensor } from '../../src/serve/image-input';
import { DEFAULT_MODEL_PIXELS, asInputShapeError, pixelCapOf, sizeRuleOf } from '../../src/serve/input-rules';
import type { FloatTensor, ModelInfo, TensorInfo } from '../../src/session/types';
import { HORSE_PNG, type Running, errorOf, startServer, tempDir, writeModel } from './helpers';

const EXPORT_SIZE = 64;
/** 4x the export size: what the dynamic model takes without --max-model-pixels. */
const DYN_CAP = 4 * EXPORT_SIZE * EXPORT_SIZE;

/** y = reflect-pad(x, 2) cropped back: any size on paper, but onnxruntime refuses inputs under 3x3. */
function reflectModel(): Uint8Array {
  const g = new GraphBuilder('reflect', 13);
  const x = g.input({ name: 'input', elemType: 'float32', shape: [1, 3, 'height', 'width'] });
  const padded = g.node('Pad', 'pad', [x, g.int64('pads', [0, 0, 2, 2, 0, 0, 2, 2])], { mode: { type: 'string', value: 'reflect' } });
  const starts = g.int64('starts', [2, 2]);
  const ends = g.int64('ends', [-2, -2]);
  const axes = g.int64('axes', [2, 3]);
  g.rename(g.node('Slice', 'crop', [padded, starts, ends, axes]), 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [1, 3, 'height', 'width'] });
  return encodeModel({ graph: g.finish(), opset: 13, producerName: 'gc-serve-test', producerVersion: '0', metadata: {} });
}

let srv: Running;
let capped: Running;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const json = {
    architecture: 'mobile_resnet_9blocks',
    config: '8_8_8_8_8_8_8_8',
    ngf: 8,
    input: { batch: 1, channels: 3, height: EXPORT_SIZE, width: EXPORT_SIZE },
    output: { channels: 3 },
  };
  const spec = parseSubnetSpec(json, join(t.dir, 'subnet.json'), { weightsOptional: true });
  writeModel(t.dir, 'dyn', exportSubnet(spec, { randomInit: { seed: 3 }, dynamic: true }).bytes);
  writeModel(t.dir, 'fix', exportSubnet(spec, { randomInit: { seed: 3 } }).bytes);
  writeModel(t.dir, 'reflect', reflectModel());
  srv = await startServer({ target: t.dir, maxBodyMb: 1 });
  capped = await startServer({ target: join(t.dir, 'fix.onnx'), maxModelPixels: EXPORT_SIZE * EXPORT_SIZE - 1 });
});

afterAll(async () => {
  await srv?.stop();
  await capped?.stop();
  cleanup?.();
});

function generate(url: string, model: string, png: Uint8Array): Promise<Response> {
  return fetch(`${url}/v1/models/${model}/generate`, { method: 'POST', body: png, headers: { 'content-type': 'image/png' } });
}

function infer(model: string, inputs: unknown[]): Promise<Response> {
  return fetch(`${srv.url}/v2/models/${model}/infer`, {
    method: 'POST',
    body: JSON.stringify({ inputs }),
    headers: { 'content-type': 'application/json' },
  });
}

async function expectError(res: Promise<Response>, status: number, code: string): Promise<string> {
  const r = await res;
  const e = await errorOf(r);
  expect([r.status, e.code]).toEqual([status, code]);
  return e.message;
}

/** A `width` x `height` piece of the real horse photo, as PNG. */
function horse(width: number, height: number): Promise<Buffer> {
  return sharp(HORSE_PNG).extract({ left: 40, top: 60, width, height }).png().toBuffer();
}

async function rawRgb(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const values = (n: number): number[] => Array.from({ length: n }, (_, i) => (i % 7) / 7);

describe('padTensor / cropTensor', () => {
  it('mirrors around the centre without repeating the edge, and crops back to the original', () => {
    const t: FloatTensor = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), dims: [1, 1, 2, 3] };
    const { tensor, region } = padTensor(t, 4, 5);
    expect(tensor.dims).toEqual([1, 1, 4, 5]);
    // rows d a d a, columns b a b c b (reflection of [a b c] / [d e f] by one on each side)
    expect(Array.from(tensor.data)).toEqual([5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5, 2, 1, 2, 3, 2]);
    expect(region).toEqual({ top: 1, left: 1, height: 2, width: 3 });
    expect(cropTensor(tensor, region)).toEqual({ data: t.data, dims: [1, 1, 2, 3] });
  });

  it('pads an image smaller than the padding by folding the mirror (a 1x1 image fills 8x8)', () => {
    const { tensor } = padTensor({ data: Float32Array.from([0.5, -0.5, 0.25]), dims: [1, 3, 1, 1] }, 8, 8);
    expect(tensor.dims).toEqual([1, 3, 8, 8]);
    expect(new Set(tensor.data.subarray(0, 64))).toEqual(new Set([0.5]));
    expect(new Set(tensor.data.subarray(128))).toEqual(new Set([0.25]));
  });
});

describe('size rules and the pixel cap, from the model', () => {
  const io = (shape: (number | string)[]): TensorInfo[] => [{ name: 'input', type: 'float32', shape }];
  const info = (shape: (number | string)[], metadata: Record<string, string> = {}): ModelInfo => ({
    inputs: io(shape),
    outputs: io(shape),
    metadata,
    ...(metadata['architecture'] ? { architecture: metadata['architecture'] } : {}),
  });

  it.each([
    ['a fixed 256x128 input: 4x its pixels', info([1, 3, 128, 256]), 4 * 256 * 128],
    ['symbolic, exported at 1x3x64x96: 4x that', info([1, 3, 'h', 'w'], { macs_input_shape: '1x3x64x96' }), 4 * 64 * 96],
    ['symbolic, no metadata: 4 megapixels', info(['b', 3, 'h', 'w']), DEFAULT_MODEL_PIXELS],
  ])('derives the cap of %s', (_what, model, pixels) => {
    expect(pixelCapOf(model).maxPixels).toBe(pixels);
    expect(pixelCapOf(model, 1234)).toEqual({ maxPixels: 1234, source: '--max-model-pixels' });
  });

  it.each([
    ['mobile_resnet_9blocks', {}, { multiple: 4, min: 8 }],
    ['resnet_9blocks', {}, { multiple: 4, min: 8 }],
    ['legacy_mobile_resnet_9blocks', {}, { multiple: 4, min: 8 }],
    ['mobile_spade', {}, { multiple: 64, min: 64 }],
    ['mobile_spade', { numUpsamplingLayers: 'normal' }, { multiple: 32, min: 32 }],
    ['something_else', {}, { multiple: 1, min: 1 }],
  ])('reads the size rule of %s %j from its architecture', (architecture, extra, rule) => {
    expect(sizeRuleOf(info([1, 3, 'h', 'w'], { architecture, ...extra }))).toEqual(rule);
  });

  it("turns onnxruntime's dimension errors into 400s and leaves other failures alone", () => {
    const ort = new GcError(
      'E_SESSION',
      "m: inference failed: Non-zero status code returned while running Pad node. Name:'p' Status Message: Pad reflect requires axis length >= 2",
    );
    const mapped = asInputShapeError(ort, 'm', "'input' [1,3,1,1]") as GcError;
    expect([mapped.code, mapped.message]).toEqual([
      'E_BAD_REQUEST',
      "model 'm' cannot run on 'input' [1,3,1,1]: Non-zero status code returned while running Pad node. Name:'p' Status Message: Pad reflect requires axis length >= 2",
    ]);
    const other = new GcError('E_SESSION', 'm: inference failed: CUDA failure 2: out of memory');
    expect(asInputShapeError(other, 'm', '')).toBe(other);
  });
});

describe('generate on a symbolic-size model', () => {
  it.each([
    [4, 4],
    [30, 22],
    [10, 6],
    [64, 64],
  ])('answers a %ix%i image with an image of that size', async (width, height) => {
    const r = await generate(srv.url, 'dyn', await horse(width, height));
    expect(r.status).toBe(200);
    const out = await rawRgb(Buffer.from(await r.arrayBuffer()));
    expect([out.width, out.height]).toEqual([width, height]);
  });

  it('answers what the model makes of the mirror-padded image, cropped back to the image', async () => {
    const png = await horse(30, 22);
    const r = await generate(srv.url, 'dyn', png);
    const got = await rawRgb(Buffer.from(await r.arrayBuffer()));

    // Reference: the same image padded to 32x24 (multiples of 4) through infer, cropped by hand.
    const { tensor } = await preprocessImage(png);
    const padded = padTensor(tensor, 24, 32);
    const res = await infer('dyn', [{ name: 'input', datatype: 'FP32', shape: [1, 3, 24, 32], data: Array.from(padded.tensor.data) }]);
    expect(res.status).toBe(200);
    const out = ((await res.json()) as { outputs: { data: number[]; shape: number[] }[] }).outputs[0]!;
    const want = tensorToRgb(cropTensor({ data: Float32Array.from(out.data), dims: out.shape }, padded.region));
    let maxDiff = 0;
    for (let i = 0; i < want.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(want.data[i]! - got.data[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it('refuses an image over the model pixel cap (4x its export size) with 413 before inference', async () => {
    const msg = await expectError(generate(srv.url, 'dyn', await horse(130, 130)), 413, 'E_IMAGE_TOO_LARGE');
    expect(msg).toContain(`takes at most ${DYN_CAP}`);
    expect(msg).toContain('--max-model-pixels');
    const meta = (await (await fetch(`${srv.url}/v2/models/dyn`)).json()) as {
      limits: { maxPixels: number; symbolicSize: { rule: string } };
    };
    expect(meta.limits.maxPixels).toBe(DYN_CAP);
    expect(meta.limits.symbolicSize.rule).toBe('multiples of 4, at least 8');
  });

  it('holds a fixed-size model to --max-model-pixels too', async () => {
    const r = await generate(capped.url, 'fix', await horse(64, 64));
    await expectError(Promise.resolve(r), 413, 'E_IMAGE_TOO_LARGE');
  });
});

describe('infer: tensors the model cannot take', () => {
  const input = { name: 'input', datatype: 'FP32' };

  it.each([
    ['[1,3,20000,20000] with one value', [1, 3, 20000, 20000]],
    ['[1,3,100000,100000] with one value', [1, 3, 100000, 100000]],
    ['dims whose product is past 2^53', [1, 3, 2 ** 40, 2 ** 40]],
  ])('refuses %s with 400 before allocating it', async (_what, shape) => {
    const msg = await expectError(infer('dyn', [{ ...input, shape, data: [1] }]), 400, 'E_BAD_REQUEST');
    expect(msg).toMatch(/^inputs\[0\]\.shape \[[\d,]+\] holds [\d.e+]+ values, more than a request body of at most 1 MiB can carry/);
  });

  it.each([
    [[0, 3, 0, 0], 'inputs[0].shape[0] is 0; every dimension must be at least 1'],
    [[1, 3, -8, 8], 'inputs[0].shape[2] is -8; every dimension must be at least 1'],
    [[1, 3, 8, 0], 'inputs[0].shape[3] is 0; every dimension must be at least 1'],
  ])('refuses shape %j naming the dimension', async (shape, message) => {
    expect(await expectError(infer('dyn', [{ ...input, shape, data: [] }]), 400, 'E_BAD_REQUEST')).toBe(message);
  });

  it.each([
    [[1, 3, 6, 6], '8x8'],
    [[1, 3, 4, 4], '8x8'],
    [[1, 3, 8, 10], '8x12'],
  ])('refuses %j for a ResNet generator, naming its rule and the nearest size', async (shape, nearest) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const r = infer('dyn', [{ ...input, shape, data: values(count) }]);
    const body = await (await r).json() as { error: string; code: string; hint: string };
    expect(body.code).toBe('E_BAD_REQUEST');
    expect(body.error).toContain("do not fit model 'dyn': its height and width must be multiples of 4, at least 8");
    expect(body.hint).toContain(nearest);
  });

  it('refuses a fixed-size model a tensor of another size', async () => {
    const msg = await expectError(infer('fix', [{ ...input, shape: [1, 3, 8, 8], data: values(192) }]), 400, 'E_BAD_REQUEST');
    expect(msg).toBe(`inputs[0].shape: [1,3,8,8] but model 'fix' input 'input' is [1,3,${EXPORT_SIZE},${EXPORT_SIZE}]`);
  });

  it('answers a tensor of the size rule', async () => {
    const r = await infer('dyn', [{ ...input, shape: [1, 3, 8, 12], data: values(288) }]);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { outputs: { shape: number[] }[] }).outputs[0]!.shape).toEqual([1, 3, 8, 12]);
  });

  it('refuses a tensor over the model pixel cap with 413', async () => {
    const side = 2 * EXPORT_SIZE + 4; // multiple of 4, just over 4x the export size
    const msg = await expectError(
      infer('dyn', [{ ...input, shape: [1, 3, side, side], data: values(3 * side * side) }]),
      413,
      'E_IMAGE_TOO_LARGE',
    );
    expect(msg).toContain(`takes at most ${DYN_CAP}`);
  });

  it("answers onnxruntime's dimension errors with 400, never 500, and keeps serving", async () => {
    const msg = await expectError(infer('reflect', [{ ...input, shape: [1, 3, 2, 2], data: values(12) }]), 400, 'E_BAD_REQUEST');
    expect(msg).toMatch(/^model 'reflect' cannot run on 'input' \[1,3,2,2\]: .*Pad/);
    const ok = await infer('reflect', [{ ...input, shape: [1, 3, 3, 3], data: values(27) }]);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data).toEqual(values(27).map(Math.fround));
  });
});
