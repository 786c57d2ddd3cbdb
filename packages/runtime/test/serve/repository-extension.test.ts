/**
 * The KServe v2 / Triton routes beside infer: versioned model routes (version "1" is the unversioned
 * route, any other 404 E_MODEL_VERSION), and the model repository extension (index, load, unload)
 * with what the daemon reports after each. Real server on 127.0.0.1, real fetch, real workers.
 */
import { Gate, type Running, errorOf, halfModel, inferValues, scaleModel, startServer, tempDir, writeModel } from './helpers';

const post = (url: string, body?: string): Promise<Response> =>
  fetch(url, body === undefined ? { method: 'POST' } : { method: 'POST', body, headers: { 'content-type': 'application/json' } });

async function json<T = unknown>(r: Response | Promise<Response>): Promise<{ status: number; body: T }> {
  const res = await r;
  return { status: res.status, body: (await res.json()) as T };
}

async function expectError(r: Response | Promise<Response>, status: number, code: string): Promise<string> {
  const res = await r;
  expect(res.status).toBe(status);
  const e = await errorOf(res);
  expect(e.code).toBe(code);
  return e.message;
}

interface IndexEntry {
  name: string;
  version: string;
  state: string;
  reason: string;
}

describe('gc-serve versioned model routes', () => {
  let srv: Running;
  let cleanup: () => void;

  beforeAll(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    writeModel(t.dir, 'half', halfModel());
    srv = await startServer({ target: t.dir });
  });

  afterAll(async () => {
    await srv?.stop();
    cleanup?.();
  });

  it('serves version "1" of metadata, ready and infer exactly as the unversioned routes', async () => {
    const plain = await json<{ versions: string[] }>(fetch(`${srv.url}/v2/models/half`));
    const v1 = await json(fetch(`${srv.url}/v2/models/half/versions/1`));
    expect(plain.body.versions).toEqual(['1']);
    expect(v1).toEqual(plain);
    expect(await json(fetch(`${srv.url}/v2/models/half/versions/1/ready`))).toEqual({ status: 200, body: { name: 'half', ready: true } });
    const infer = await json<{ model_name: string; model_version: string; outputs: { data: number[] }[] }>(
      post(
        `${srv.url}/v2/models/half/versions/1/infer`,
        JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [2, 4, 6] }] }),
      ),
    );
    expect(infer.status).toBe(200);
    expect([infer.body.model_name, infer.body.model_version, infer.body.outputs[0]!.data]).toEqual(['half', '1', [1, 2, 3]]);
  });

  it.each(['2', '0', 'latest', '01'])('answers version %s with 404 E_MODEL_VERSION naming the versions that exist', async (v) => {
    const want = `model 'half' has no version "${v}"; its versions are '1'`;
    expect(await expectError(fetch(`${srv.url}/v2/models/half/versions/${v}`), 404, 'E_MODEL_VERSION')).toBe(want);
    expect(await expectError(fetch(`${srv.url}/v2/models/half/versions/${v}/ready`), 404, 'E_MODEL_VERSION')).toBe(want);
    const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [2, 4, 6] }] });
    expect(await expectError(post(`${srv.url}/v2/models/half/versions/${v}/infer`, body), 404, 'E_MODEL_VERSION')).toBe(want);
  });

  it('names an unknown model before its version', async () => {
    await expectError(fetch(`${srv.url}/v2/models/nope/versions/1`), 404, 'E_MODEL_NOT_FOUND');
  });
});

describe('gc-serve model repository extension', () => {
  let srv: Running;
  let cleanup: () => void;

  beforeAll(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    writeModel(t.dir, 'half', halfModel());
    writeModel(t.dir, 'triple', scaleModel(3));
    srv = await startServer({ target: t.dir, workers: 1 });
  });

  afterAll(async () => {
    await srv?.stop();
    cleanup?.();
  });

  const index = (body?: string): Promise<{ status: number; body: IndexEntry[] }> =>
    json<IndexEntry[]>(post(`${srv.url}/v2/repository/index`, body));
  const statusOf = async (r: Promise<Response>): Promise<number> => {
    const res = await r;
    await res.arrayBuffer();
    return res.status;
  };
  const ready = (name: string): Promise<number> => statusOf(fetch(`${srv.url}/v2/models/${name}/ready`));
  const serverReady = (): Promise<number> => statusOf(fetch(`${srv.url}/v2/health/ready`));

  it('advertises exactly the extensions it implements', async () => {
    const meta = await json<{ extensions: string[] }>(fetch(`${srv.url}/v2`));
    expect(meta.body.extensions).toEqual(['model_repository', 'binary_tensor_data']);
  });

  it('lists every model with version "1" and its state, with or without a body', async () => {
    const all = [
      { name: 'half', version: '1', state: 'READY', reason: '' },
      { name: 'triple', version: '1', state: 'READY', reason: '' },
    ];
    expect(await index()).toEqual({ status: 200, body: all });
    expect(await index('{}')).toEqual({ status: 200, body: all });
    expect(await index('{"ready": true}')).toEqual({ status: 200, body: all });
  });

  it('refuses an index body that is not {"ready": boolean}', async () => {
    await expectError(post(`${srv.url}/v2/repository/index`, '{"ready": "yes"}'), 400, 'E_BAD_REQUEST');
    await expectError(post(`${srv.url}/v2/repository/index`, '[1]'), 400, 'E_BAD_REQUEST');
    await expectError(post(`${srv.url}/v2/repository/index`, '{'), 400, 'E_BAD_REQUEST');
  });

  it('unloads a model: its routes answer "unloaded", the index says UNAVAILABLE, the other model serves on', async () => {
    const r = await json(post(`${srv.url}/v2/repository/models/half/unload`, '{"parameters": {"unload_dependents": false}}'));
    expect(r).toEqual({ status: 200, body: { name: 'half', state: 'UNAVAILABLE', reason: 'unloaded' } });
    expect(srv.server.repository.get('half').pool).toBeUndefined(); // its workers ended

    const msg = await expectError(fetch(`${srv.url}/v2/models/half/ready`), 404, 'E_MODEL_UNLOADED');
    expect(msg).toBe("model 'half' is unloaded (POST /v2/repository/models/half/unload)");
    await expectError(fetch(`${srv.url}/v2/models/half/versions/1/ready`), 404, 'E_MODEL_UNLOADED');
    await expectError(fetch(`${srv.url}/v2/models/half`), 404, 'E_MODEL_UNLOADED');
    expect((await inferValues(srv.url, 'half', [2, 4, 6])).status).toBe(404);
    const gen = await fetch(`${srv.url}/v1/models/half/generate`, {
      method: 'POST',
      body: new Uint8Array([1]),
      headers: { 'content-type': 'image/png' },
    });
    expect(gen.status).toBe(404);
    expect((await errorOf(gen)).code).toBe('E_MODEL_UNLOADED');

    expect((await index()).body).toEqual([
      { name: 'half', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' },
      { name: 'triple', version: '1', state: 'READY', reason: '' },
    ]);
    expect((await index('{"ready": true}')).body).toEqual([{ name: 'triple', version: '1', state: 'READY', reason: '' }]);
    expect(await inferValues(srv.url, 'triple', [1, 2, 3])).toEqual({ status: 200, data: [3, 6, 9] });
    // The model was unloaded on purpose: the server stays ready for the models it serves (as Triton does).
    expect(await serverReady()).toBe(200);
    // SIGHUP's reload of every model leaves an unloaded one unloaded.
    expect(await srv.server.reloadAll()).toEqual([]);
    expect(await ready('half')).toBe(404);
  });

  it('is not ready once every model is unloaded, and load brings a model back from its file', async () => {
    expect((await post(`${srv.url}/v2/repository/models/triple/unload`)).status).toBe(200);
    expect(await serverReady()).toBe(503);
    expect((await index('{"ready": true}')).body).toEqual([]);

    const load = await post(`${srv.url}/v2/repository/models/half/load`, '{}');
    expect(load.status).toBe(200);
    await load.arrayBuffer();
    expect(await ready('half')).toBe(200);
    expect(await inferValues(srv.url, 'half', [2, 4, 6])).toEqual({ status: 200, data: [1, 2, 3] });
    expect(await serverReady()).toBe(200);
    expect((await post(`${srv.url}/v2/repository/models/triple/load`)).status).toBe(200);
    expect((await index()).body.map((e) => e.state)).toEqual(['READY', 'READY']);
  });

  it('refuses a load that carries a model config or files, and unload of an unknown model', async () => {
    const cfg = JSON.stringify({ parameters: { config: '{"backend": "onnxruntime"}' } });
    const msg = await expectError(post(`${srv.url}/v2/repository/models/half/load`, cfg), 400, 'E_BAD_REQUEST');
    expect(msg).toBe("load: parameters 'config' are not supported");
    await expectError(post(`${srv.url}/v2/repository/models/nope/unload`), 404, 'E_MODEL_NOT_FOUND');
    expect(await ready('half')).toBe(200);
  });
});

describe('gc-serve unload with a request in flight', () => {
  it('refuses new requests at once, lets the one in flight finish, then ends the workers', async () => {
    const t = tempDir();
    const gate = new Gate();
    writeModel(t.dir, 'half', halfModel());
    gate.open = true; // warm-up passes
    const srv = await startServer({ target: t.dir, workers: 1, createPool: gate.createPool });
    gate.open = false;
    try {
      const inFlight = inferValues(srv.url, 'half', [2, 4, 6]);
      await gate.waitHeld(1);
      const unload = post(`${srv.url}/v2/repository/models/half/unload`);
      // The unload waits for the request; meanwhile the model is already refused.
      let code = '';
      while (code !== 'E_MODEL_UNLOADED') {
        const r = await fetch(`${srv.url}/v2/models/half/ready`);
        code = r.status === 200 ? (await r.arrayBuffer(), '') : (await errorOf(r)).code;
      }
      gate.release(true);
      expect(await inFlight).toEqual({ status: 200, data: [1, 2, 3] });
      expect((await unload).status).toBe(200);
      expect(srv.server.repository.get('half').pool).toBeUndefined();
    } finally {
      await srv.stop();
      t.cleanup();
    }
  });
});
