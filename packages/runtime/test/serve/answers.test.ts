/**
 * generate's answer is made in the worker (PNG whole, RGB bytes for JPEG/WebP); a pool that makes
 * none (any InferencePool may not) gets the output encoded on the main thread. Both must give the
 * same bytes, for fixed-size and mirror-padded (cropped back) models.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeContract } from '@gc-edge/core';
import { createPool } from '../../src/worker/pool';
import type { ServeOptions } from '../../src/serve/options';
import type { CreatePool } from '../../src/serve/repository';
import { HORSE_PNG, type Running, metricValue, scaleModel, startServer, writeModel } from './helpers';

/** The real pool, with the answers request dropped: the route then encodes the floats itself. */
const floatsOnly: CreatePool = async (path, profile, options) => {
  const pool = await createPool(path, profile, options);
  const run = pool.run.bind(pool);
  pool.run = (feeds, runOptions = {}) => {
    const { answers: _dropped, ...rest } = runOptions;
    return run(feeds, rest);
  };
  return pool;
};

/** The real pool, counting the runs that came back with answers made. */
let answeredRuns = 0;
const counting: CreatePool = async (path, profile, options) => {
  const pool = await createPool(path, profile, options);
  const run = pool.run.bind(pool);
  pool.run = async (feeds, runOptions) => {
    const result = await run(feeds, runOptions);
    if (result.answers?.every((a) => a !== undefined && a.kind !== 'error') && Object.keys(result.outputs).length === 0) answeredRuns++;
    return result;
  };
  return pool;
};

/** y = 0.8 x, any batch and size; its contract declares multiples of 4, at least 8, so sizes are padded to them. */
const PADDED_PHOTO_MODEL = encodeContract({
  version: 1,
  family: 'toy',
  role: 'student',
  inputs: [{ name: 'input', kind: 'photo', channels: 3, preprocess: 'rgb_pm1', size: { multiple: 4, min: 8 } }],
  outputs: [{ name: 'output', kind: 'photo', postprocess: 'pm1_rgb' }],
});
let dir: string;
let target: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gc-answers-'));
  target = writeModel(dir, 'scale', scaleModel(0.8, PADDED_PHOTO_MODEL));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two daemons on the model, started before and stopped after the block's tests. */
function servers(a: Partial<ServeOptions>, b: Partial<ServeOptions>): { readonly a: Running; readonly b: Running } {
  const both: { a?: Running; b?: Running } = {};
  beforeAll(async () => {
    both.a = await startServer({ target, workers: 1, ...a });
    both.b = await startServer({ target, workers: 1, ...b });
  });
  afterAll(() => Promise.all([both.a?.stop(), both.b?.stop()]));
  return {
    get a(): Running {
      return both.a!;
    },
    get b(): Running {
      return both.b!;
    },
  };
}

describe('generate: answers made in the worker', () => {
  // a: the worker makes answers (counted); b: the route encodes the floats itself.
  const srv = servers({ createPool: counting }, { createPool: floatsOnly });

  const generate = async (
    url: string,
    body: Buffer,
    accept: string,
  ): Promise<{ status: number; type: string | null; bytes: Buffer; timing: string | null }> => {
    const r = await fetch(`${url}/v1/models/scale/generate`, { method: 'POST', body, headers: { 'content-type': 'image/png', accept } });
    return {
      status: r.status,
      type: r.headers.get('content-type'),
      bytes: Buffer.from(await r.arrayBuffer()),
      timing: r.headers.get('server-timing'),
    };
  };

  it.each([
    ['image/png', 'a 256x256 photo'],
    ['image/jpeg', 'a 256x256 photo'],
    ['image/webp', 'a 256x256 photo'],
    ['image/png', 'a 50x37 crop (padded, cropped back)'],
  ])('%s for %s: the same bytes either way', async (accept, what) => {
    const body = what.startsWith('a 50x37')
      ? await sharp(HORSE_PNG).extract({ left: 3, top: 5, width: 50, height: 37 }).png().toBuffer()
      : HORSE_PNG;
    const before = answeredRuns;
    const [a, b] = [await generate(srv.a.url, body, accept), await generate(srv.b.url, body, accept)];
    expect(answeredRuns).toBe(before + 1);
    expect([a.status, a.type]).toEqual([200, accept]);
    expect([b.status, b.type]).toEqual([200, accept]);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    const meta = await sharp(a.bytes).metadata();
    expect([meta.width, meta.height]).toEqual(what.startsWith('a 50x37') ? [50, 37] : [256, 256]);
    expect(a.timing).toMatch(/postprocess;dur=\d/);
  });
});

describe('generate: answers of a dynamic batch', () => {
  // a: batches up to 4 requests arriving within 300 ms; b: one request per run.
  const srv = servers({ maxBatch: 4, maxDelayMs: 300 }, {});

  const png16 = (seed: number): Promise<Buffer> =>
    sharp(Buffer.from(Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 31 + seed * 97) % 256)), {
      raw: { width: 16, height: 16, channels: 3 },
    })
      .png()
      .toBuffer();

  it('each generate of a batch gets its own image, and an infer batched with them its floats', async () => {
    const bodies = await Promise.all([1, 2, 3].map(png16));
    const values = Array.from({ length: 3 * 16 * 16 }, (_, i) => Math.cos(i) * 0.9);
    const post = (url: string, body: Buffer, accept: string): Promise<Response> =>
      fetch(`${url}/v1/models/scale/generate`, { method: 'POST', body, headers: { 'content-type': 'image/png', accept } });
    const [g1, g2, g3, inferred] = await Promise.all([
      post(srv.a.url, bodies[0]!, 'image/png'),
      post(srv.a.url, bodies[1]!, 'image/jpeg'),
      post(srv.a.url, bodies[2]!, 'image/png'),
      fetch(`${srv.a.url}/v2/models/scale/infer`, {
        method: 'POST',
        body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 16, 16], data: values }] }),
        headers: { 'content-type': 'application/json' },
      }),
    ]);
    const metrics = await (await fetch(`${srv.a.url}/metrics`)).text();
    expect(metricValue(metrics, 'gc_serve_batch_size_count', { model: 'scale' })).toBeLessThan(4); // some were batched
    for (const [i, r] of [g1, g2, g3].entries()) {
      expect(r.status).toBe(200);
      const alone = await post(srv.b.url, bodies[i]!, i === 1 ? 'image/jpeg' : 'image/png');
      expect(Buffer.from(await r.arrayBuffer()).equals(Buffer.from(await alone.arrayBuffer()))).toBe(true);
    }
    expect(inferred.status).toBe(200);
    const out = ((await inferred.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data;
    expect(out).toHaveLength(values.length);
    out.forEach((v, i) => expect(v).toBeCloseTo(Math.fround(values[i]!) * 0.8, 6));
  });
});
