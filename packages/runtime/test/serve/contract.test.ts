/**
 * gc-serve reads what a model takes from its model contract, never from an architecture's name:
 * toy models carrying only contract keys (and architecture names no code knows) are padded, checked
 * and capped by the rules they declare — a photo model with an unusual rule, a two-input MUNIT-like
 * model (infer only), a fixed size on a symbolic graph, a label map without an instance-edge
 * channel — an old-style model (only `architecture`) serves as before, and a contract that is newer
 * or does not fit its graph fails the load naming the key. Real server, real fetch, real PNGs.
 */
import sharp from 'sharp';
import { type ContractInput, type ContractOutput, encodeContract, GraphBuilder, attr, encodeModel } from '@gc-edge/core';
import { createSession } from '../../src/session/create-session';
import type { ModelInfo } from '../../src/session/types';
import { planModel } from '../../src/serve/model-plan';
import { CPU_PROFILE, HORSE_PNG, type Running, errorOf, scaleModel, startServer, tempDir, writeModel } from './helpers';

const photo = (name: string, size: ContractInput['size'], defaultSize?: { height: number; width: number }): ContractInput => ({
  name,
  kind: 'photo',
  channels: 3,
  preprocess: 'rgb_pm1',
  size,
  ...(defaultSize ? { defaultSize } : {}),
});
const PHOTO_OUT: ContractOutput = { name: 'output', kind: 'photo', postprocess: 'pm1_rgb' };

/** Contract keys plus an architecture name nothing in gc-edge knows. */
function contractKeys(architecture: string, inputs: ContractInput[], outputs: ContractOutput[] = [PHOTO_OUT]): Record<string, string> {
  return { architecture, ...encodeContract({ version: 1, family: 'toy', role: 'student', inputs, outputs }) };
}

/** output = content * style: a photo [1,3,h,w] and a style code [1,1,1,1], as a two-input MUNIT generator has. */
function munitModel(metadata: Record<string, string>): Uint8Array {
  const g = new GraphBuilder('munit');
  const content = g.input({ name: 'content', elemType: 'float32', shape: [1, 3, 'height', 'width'] });
  const style = g.input({ name: 'style', elemType: 'float32', shape: [1, 1, 1, 1] });
  g.rename(g.node('Mul', 'mix', [content, style]), 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [1, 3, 'height', 'width'] });
  return encodeModel({ graph: g.finish(), opset: 13, producerName: 'gc-serve-test', producerVersion: '0', metadata });
}

/** [1, c, h, w] label channels -> tanh(1x1 conv to RGB): a label-map generator in miniature. */
function labelMapModel(channels: number, metadata: Record<string, string>): Uint8Array {
  const g = new GraphBuilder('labels');
  const x = g.input({ name: 'input', elemType: 'float32', shape: [1, channels, 'height', 'width'] });
  const w = g.float('mix.weight', [3, channels, 1, 1], Float32Array.from({ length: 3 * channels }, (_, i) => ((i % 5) - 2) / 4));
  const y = g.node('Conv', 'mix', [x, w], { kernel_shape: attr.ints([1, 1]) });
  g.rename(g.node('Tanh', 'tanh', [y]), 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [1, 3, 'height', 'width'] });
  return encodeModel({ graph: g.finish(), opset: 13, producerName: 'gc-serve-test', producerVersion: '0', metadata });
}

const LABEL_CHANNELS = 4;
const labelMapContract = contractKeys('spade_without_edges', [
  {
    name: 'input',
    kind: 'label_map',
    channels: LABEL_CHANNELS,
    preprocess: 'one_hot',
    size: { multiple: 8, min: 8 },
    defaultSize: { height: 16, width: 16 },
    instanceEdge: false,
  },
]);

let srv: Running;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  // A photo model whose rule no ResNet has: multiples of 16, at least 32; exported at 32x48.
  writeModel(
    t.dir,
    'x16',
    scaleModel(0.5, contractKeys('x16_generator', [photo('input', { multiple: 16, min: 32 }, { height: 32, width: 48 })])),
  );
  writeModel(
    t.dir,
    'munit',
    munitModel(
      contractKeys('munit_two_input', [
        photo('content', { multiple: 4, min: 8 }, { height: 16, width: 16 }),
        { name: 'style', kind: 'tensor', channels: 1, preprocess: 'none', size: { multiple: 1, min: 1 } },
      ]),
    ),
  );
  writeModel(
    t.dir,
    'fixed',
    scaleModel(0.5, contractKeys('fixed_generator', [photo('input', { multiple: 1, min: 1, fixed: { height: 24, width: 40 } })])),
  );
  writeModel(t.dir, 'labels', labelMapModel(LABEL_CHANNELS, labelMapContract));
  // Exported before the contract: only the old keys.
  writeModel(
    t.dir,
    'old',
    scaleModel(0.5, { architecture: 'mobile_resnet_9blocks', config: '8_8_8_8_8_8_8_8', macs_input_shape: '1x3x16x16' }),
  );
  srv = await startServer({ target: t.dir });
});

afterAll(async () => {
  await srv?.stop();
  cleanup?.();
});

function generate(model: string, png: Uint8Array): Promise<Response> {
  return fetch(`${srv.url}/v1/models/${model}/generate`, { method: 'POST', body: png, headers: { 'content-type': 'image/png' } });
}

function infer(model: string, inputs: { name: string; shape: number[] }[]): Promise<Response> {
  const body = { inputs: inputs.map((t) => ({ ...t, datatype: 'FP32', data: new Array(t.shape.reduce((a, b) => a * b, 1)).fill(0.25) })) };
  return fetch(`${srv.url}/v2/models/${model}/infer`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

async function expectError(res: Promise<Response>, status: number, code: string): Promise<{ message: string; hint?: string }> {
  const r = await res;
  const body = (await r.clone().json()) as { hint?: string };
  const e = await errorOf(r);
  expect([r.status, e.code]).toEqual([status, code]);
  return { message: e.message, ...(body.hint ? { hint: body.hint } : {}) };
}

const horse = (width: number, height: number): Promise<Buffer> =>
  sharp(HORSE_PNG).extract({ left: 40, top: 60, width, height }).png().toBuffer();

async function sizeOf(r: Response): Promise<[number, number]> {
  expect(r.status).toBe(200);
  const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
  return [meta.width, meta.height];
}

async function metadataOf(model: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${srv.url}/v2/models/${model}`)).json()) as Record<string, unknown>;
}

describe('a photo model declaring multiples of 16, at least 32 (an architecture no code knows)', () => {
  it('mirror-pads an image up to the rule and answers at the image size', async () => {
    expect(await sizeOf(await generate('x16', await horse(30, 20)))).toEqual([30, 20]);
    expect(await sizeOf(await generate('x16', await horse(50, 33)))).toEqual([50, 33]);
  });

  it('refuses tensors off the rule on infer, naming it and the nearest size', async () => {
    const e = await expectError(infer('x16', [{ name: 'input', shape: [1, 3, 16, 40] }]), 400, 'E_BAD_REQUEST');
    expect(e.message).toContain("do not fit model 'x16': its height and width must be multiples of 16, at least 32");
    expect(e.hint).toContain('32x48 (height x width)');
    expect((await infer('x16', [{ name: 'input', shape: [1, 3, 32, 48] }])).status).toBe(200);
  });

  it('caps the pixels at 4x the default size it declares', async () => {
    const e = await expectError(generate('x16', await horse(100, 100)), 413, 'E_IMAGE_TOO_LARGE');
    expect(e.message).toContain(`image (padded to 112x112, as the model's height and width must be multiples of 16, at least 32)`);
    expect(e.message).toContain(`takes at most ${4 * 32 * 48}`);
  });

  it('shows the contract, the rule and the cap in GET /v2/models/{name}', async () => {
    expect(await metadataOf('x16')).toMatchObject({
      architecture: 'x16_generator',
      contract: {
        family: 'toy',
        role: 'student',
        origin: 'contract',
        inputs: [{ name: 'input', kind: 'photo', size: { multiple: 16, min: 32 } }],
      },
      generate: {
        takes: 'image',
        width: null,
        height: null,
        sizes: "any: mirror-padded to multiples of 16, at least 32, the answer cropped back to the image's size",
      },
      limits: { maxPixels: 4 * 32 * 48, symbolicSize: { multiple: 16, min: 32, rule: 'multiples of 16, at least 32' } },
    });
  });
});

describe('a two-input model (content photo + style code), as a MUNIT generator', () => {
  it('is loaded (warmed up at its default size) and says generate cannot feed it', async () => {
    const m = await metadataOf('munit');
    expect(m).toMatchObject({ state: 'ready', generate: null });
    const e = await expectError(generate('munit', await horse(16, 16)), 400, 'E_BAD_REQUEST');
    expect(e.message).toBe(
      "model 'munit' does not take one image: its inputs are 'content' [1,3,height,width], 'style' [1,1,1,1], generate needs one [N,3,H,W]",
    );
    expect(e.hint).toBe('send tensors to /v2/models/munit/infer instead');
  });

  it('holds each input to its own rule on infer', async () => {
    expect((await infer('munit', [{ name: 'content', shape: [1, 3, 8, 12] }, { name: 'style', shape: [1, 1, 1, 1] }])).status).toBe(200);
    const e = await expectError(
      infer('munit', [
        { name: 'content', shape: [1, 3, 6, 6] },
        { name: 'style', shape: [1, 1, 1, 1] },
      ]),
      400,
      'E_BAD_REQUEST',
    );
    expect(e.message).toContain('its height and width must be multiples of 4, at least 8');
  });
});

describe('a fixed size declared on a symbolic-size graph', () => {
  it('resizes an image to it (per --resize-policy) and answers at that size', async () => {
    expect(await sizeOf(await generate('fixed', await horse(64, 64)))).toEqual([40, 24]);
    expect(await metadataOf('fixed')).toMatchObject({
      inputs: [{ name: 'input', shape: [-1, 3, 24, 40] }],
      generate: { takes: 'image', width: 40, height: 24 },
      limits: { maxPixels: 4 * 24 * 40 },
    });
  });

  it('takes only that size on infer', async () => {
    const e = await expectError(infer('fixed', [{ name: 'input', shape: [1, 3, 8, 8] }]), 400, 'E_BAD_REQUEST');
    expect(e.message).toBe("inputs[0].shape: [1,3,8,8] but model 'fixed' input 'input' is [batch,3,24,40]");
    expect((await infer('fixed', [{ name: 'input', shape: [1, 3, 24, 40] }])).status).toBe(200);
  });
});

describe('a label-map model without an instance-edge channel', () => {
  const idPng = (ids: number[], width: number, height: number): Promise<Buffer> =>
    sharp(Buffer.from(ids), { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toBuffer();
  const stripes = (width: number, height: number, classes: number): number[] =>
    Array.from({ length: width * height }, (_, i) => (i % width) % classes);

  it('takes a label map whose ids use every channel as a class', async () => {
    expect(await sizeOf(await generate('labels', await idPng(stripes(16, 8, LABEL_CHANNELS), 16, 8)))).toEqual([16, 8]);
    expect(await metadataOf('labels')).toMatchObject({
      generate: {
        takes: 'label-map',
        semanticChannels: LABEL_CHANNELS,
        labelClasses: LABEL_CHANNELS,
        instanceEdge: false,
        sizes: 'any whose width and height are multiples of 8',
      },
    });
  });

  it('refuses ids past its classes, and sizes off its rule', async () => {
    const e = await expectError(generate('labels', await idPng(stripes(16, 8, LABEL_CHANNELS + 1), 16, 8)), 400, 'E_LABEL_MAP');
    expect(e.hint).toContain(`the model has ${LABEL_CHANNELS} label classes (${LABEL_CHANNELS} semantic channels)`);
    const off = await expectError(generate('labels', await idPng(stripes(12, 8, 2), 12, 8)), 400, 'E_LABEL_MAP');
    expect(off.message).toBe(
      "label map is 12x8 (width x height) but model 'labels' takes any size whose width and height are multiples of 8",
    );
  });
});

describe('a model exported before the contract (only `architecture`)', () => {
  it('serves as before: padded to multiples of 4, at least 8, capped at 4x its macs_input_shape', async () => {
    expect(await sizeOf(await generate('old', await horse(10, 6)))).toEqual([10, 6]);
    const e = await expectError(infer('old', [{ name: 'input', shape: [1, 3, 6, 6] }]), 400, 'E_BAD_REQUEST');
    expect(e.message).toContain('its height and width must be multiples of 4, at least 8');
    expect(await metadataOf('old')).toMatchObject({
      contract: { family: 'cyclegan-resnet', role: 'student', origin: 'pre-contract' },
      limits: { maxPixels: 4 * 16 * 16 },
    });
  });
});

describe('a contract gc-serve cannot trust fails the load, naming the key', () => {
  it.each([
    ['newer than this gc-edge', { ...contractKeys('x', [photo('input', { multiple: 4, min: 8 })]), 'gc_edge.contract': '2' }, /metadata 'gc_edge.contract' is 2, newer than the contract 1/],
    ['naming an input the graph lacks', contractKeys('x', [photo('image', { multiple: 4, min: 8 })]), /does not fit the graph: it declares inputs 'image', the graph has 'input'/],
    ['with an unknown kind', { ...contractKeys('x', [photo('input', { multiple: 4, min: 8 })]), 'gc_edge.input.0.kind': 'noise' }, /'gc_edge.input.0.kind' is 'noise'; should be one of: photo, label_map, tensor/],
  ])('%s', async (_what, metadata, message) => {
    await expect(createSession(scaleModel(1, metadata), CPU_PROFILE, { profiling: false })).rejects.toMatchObject({
      code: 'E_MODEL_CONTRACT',
      message,
    });
  });
});

describe('the plan (decided once per model)', () => {
  const info = (metadata: Record<string, string>, shape: (number | string)[] = ['batch', 3, 'height', 'width']): ModelInfo => ({
    inputs: [{ name: 'input', type: 'float32', shape }],
    outputs: [{ name: 'output', type: 'float32', shape }],
    metadata,
  });

  it('takes a model without any gc-edge metadata as a photo model of any size', () => {
    expect(planModel(info({}))).toMatchObject({
      contract: undefined,
      generate: { kind: 'image', size: undefined, rule: { multiple: 1, min: 1 } },
    });
  });

  it('picks the label-map pipeline from the contract, whatever the architecture is called', () => {
    const plan = planModel(info(labelMapContract, [1, LABEL_CHANNELS, 'h', 'w']));
    expect(plan.generate).toEqual({
      kind: 'label-map',
      input: 'input',
      output: 'output',
      size: undefined,
      rule: { multiple: 8, min: 8 },
      semanticChannels: LABEL_CHANNELS,
      instanceEdge: false,
    });
    expect(plan.cap.maxPixels).toBe(4 * 16 * 16);
  });

  it('computes the pixel cap once, with --max-model-pixels over everything', () => {
    expect(planModel(info(labelMapContract, [1, LABEL_CHANNELS, 'h', 'w']), 1234).cap).toEqual({
      maxPixels: 1234,
      source: '--max-model-pixels',
    });
  });
});

// The server's own model files: a malformed one next to good ones fails alone.
describe('a folder with one malformed contract', () => {
  it('serves the others and reports the failure on the model', async () => {
    const t = tempDir();
    try {
      writeModel(t.dir, 'good', scaleModel(0.5, contractKeys('x', [photo('input', { multiple: 4, min: 8 })])));
      writeModel(
        t.dir,
        'bad',
        scaleModel(0.5, { ...contractKeys('x', [photo('input', { multiple: 4, min: 8 })]), 'gc_edge.role': 'baseline' }),
      );
      const s = await startServer({ target: t.dir });
      try {
        const bad = (await (await fetch(`${s.url}/v2/models/bad/ready`)).json()) as { error: string; code: string };
        expect(bad.code).toBe('E_NOT_READY');
        expect(bad.error).toMatch(/failed to load: model 'bad' \(bad\.onnx\): metadata 'gc_edge.role' is 'baseline'; should be one of: teacher, student/);
        expect((await fetch(`${s.url}/v2/models/good/ready`)).status).toBe(200);
      } finally {
        await s.stop();
      }
    } finally {
      t.cleanup();
    }
  });
});
