/**
 * generate's answer is made in the worker (PNG whole, RGB bytes for JPEG/WebP); a pool that makes
 * none (any InferencePool may not) gets the output encoded on the main thread. Both must give the
 * same bytes, for fixed-size and mirror-padded (cropped back) models.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createPool } from '../../src/worker/pool';
import type { CreatePool } from '../../src/serve/repository';
import { HORSE_PNG, type Running, scaleModel, startServer, writeModel } from './helpers';

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

describe('generate: answers made in the worker', () => {
  let dir: string;
  let inWorker: Running;
  let onMain: Running;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gc-answers-'));
    // Symbolic height/width: a 50x37 image is padded to the model's multiple of 4 and cropped back.
    const target = writeModel(dir, 'scale', scaleModel(0.8, { architecture: 'mobile_resnet_9blocks' }));
    inWorker = await startServer({ target, workers: 1, createPool: counting });
    onMain = await startServer({ target, workers: 1, createPool: floatsOnly });
  });

  afterAll(async () => {
    await Promise.all([inWorker.stop(), onMain.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const generate = async (url: string, body: Buffer, accept: string): Promise<{ status: number; type: string | null; bytes: Buffer; timing: string | null }> => {
    const r = await fetch(`${url}/v1/models/scale/generate`, { method: 'POST', body, headers: { 'content-type': 'image/png', accept } });
    return { status: r.status, type: r.headers.get('content-type'), bytes: Buffer.from(await r.arrayBuffer()), timing: r.headers.get('server-timing') };
  };

  it.each([
    ['image/png', 'a 256x256 photo'],
    ['image/jpeg', 'a 256x256 photo'],
    ['image/webp', 'a 256x256 photo'],
    ['image/png', 'a 50x37 crop (padded, cropped back)'],
  ])('%s for %s: the same bytes either way', async (accept, what) => {
    const body = what.startsWith('a 50x37') ? await sharp(HORSE_PNG).extract({ left: 3, top: 5, width: 50, height: 37 }).png().toBuffer() : HORSE_PNG;
    const before = answeredRuns;
    const [a, b] = [await generate(inWorker.url, body, accept), await generate(onMain.url, body, accept)];
    expect(answeredRuns).toBe(before + 1);
    expect([a.status, a.type]).toEqual([200, accept]);
    expect([b.status, b.type]).toEqual([200, accept]);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    const meta = await sharp(a.bytes).metadata();
    expect([meta.width, meta.height]).toEqual(what.startsWith('a 50x37') ? [50, 37] : [256, 256]);
    expect(a.timing).toMatch(/postprocess;dur=\d/);
  });
});
