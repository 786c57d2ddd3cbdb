/**
 * Reload through POST /v2/repository/models/{name}/load: a good file swaps in, a broken one is
 * refused and the old model keeps serving, requests during a reload are all answered, and a model
 * file that appears in the folder can be loaded by name.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Running, errorOf, inferValues, scaleModel, startServer, tempDir, writeModel } from './helpers';

let srv: Running;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  ({ dir, cleanup } = t);
  writeModel(dir, 'm', scaleModel(0.5));
  srv = await startServer({ target: dir });
});

afterAll(async () => {
  await srv?.stop();
  cleanup?.();
});

const load = (name: string): Promise<Response> => fetch(`${srv.url}/v2/repository/models/${name}/load`, { method: 'POST' });

describe('gc-serve reload', () => {
  it('keeps the old model serving when the reload fails', async () => {
    writeFileSync(join(dir, 'm.onnx'), Buffer.from('not an onnx model'));
    const r = await load('m');
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect((await errorOf(r)).message).toMatch(/m/);

    expect(await inferValues(srv.url, 'm', [2, 4, 6])).toEqual({ status: 200, data: [1, 2, 3] });
    const meta = (await (await fetch(`${srv.url}/v2/models/m`)).json()) as { state: string; lastReloadError: unknown };
    expect(meta.state).toBe('ready');
    expect(meta.lastReloadError).toEqual({ code: expect.stringMatching(/^E_/), message: expect.any(String) });
    expect((await fetch(`${srv.url}/v2/health/ready`)).status).toBe(200);
  });

  it('swaps in the new file on reload, answering every request sent meanwhile', async () => {
    writeModel(dir, 'm', scaleModel(2));
    const reload = load('m');
    const during = await Promise.all(Array.from({ length: 8 }, () => inferValues(srv.url, 'm', [1, 1, 1])));
    const r = await reload;
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ name: 'm', ready: true, provider: 'cpu' });
    // Each request ran on the old model or the new one; none was lost.
    for (const d of during) {
      expect(d.status).toBe(200);
      expect([[0.5, 0.5, 0.5], [2, 2, 2]]).toContainEqual(d.data);
    }
    expect(await inferValues(srv.url, 'm', [1, 2, 3])).toEqual({ status: 200, data: [2, 4, 6] });
  });

  it('loads a model file that appeared in the folder after start-up', async () => {
    expect((await inferValues(srv.url, 'late', [1, 1, 1])).status).toBe(404);
    writeModel(dir, 'late', scaleModel(3));
    expect((await load('late')).status).toBe(200);
    expect(await inferValues(srv.url, 'late', [1, 2, 3])).toEqual({ status: 200, data: [3, 6, 9] });
  });

  it('answers 404 for a load of an unknown or path-like name', async () => {
    for (const name of ['nope', '..%2Fm', '%2Ftmp%2Fm']) {
      const r = await load(name);
      expect(r.status).toBe(404);
      expect((await errorOf(r)).code).toBe('E_MODEL_NOT_FOUND');
    }
  });
});
