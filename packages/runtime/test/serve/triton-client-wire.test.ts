/**
 * gc-serve driven with the exact requests the official Triton Python client (`tritonclient.http`)
 * sends, and its answers read the way that client reads them. The client cannot be installed here (no
 * PyPI), so its wire shapes are replayed from its source (tritonclient/http/_client.py, _utils.py,
 * _infer_result.py): paths, methods, bodies as `rapidjson.dumps` writes them, the headers it adds
 * (none but Content-Encoding / Inference-Header-Content-Length: no Content-Type), and on every
 * non-200 `json.loads(body)["error"]` made into the exception's message, which must be a string.
 * Real server on 127.0.0.1, raw node:http (so no header is added that the client would not send).
 */
import { request } from 'node:http';
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { type Running, halfModel, startServer, tempDir, writeModel } from './helpers';

let srv: Running;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  writeModel(t.dir, 'half', halfModel());
  srv = await startServer({ target: t.dir, workers: 1 });
});

afterAll(async () => {
  await srv?.stop();
  cleanup?.();
});

interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** One request with only the headers given (and Host / Content-Length, as geventhttpclient sends). */
function wire(method: 'GET' | 'POST', path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<WireResponse> {
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const { hostname, port } = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method,
        path: `/${path}`,
        headers: {
          'user-agent': 'python/gevent-http-client-2.3',
          ...(method === 'POST' ? { 'content-length': String(bytes?.length ?? 0) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}

/**
 * `_get_error`: on a non-200 answer the client makes `json.loads(body)["error"]` its exception's
 * message and `str()` joins it to the status, so it must be a string. Returns that message.
 */
function clientError(res: WireResponse): string {
  expect(res.status).not.toBe(200);
  const text = res.body.toString('utf8');
  const parsed = (text.length > 0 ? JSON.parse(text) : { error: 'client received an empty response from the server.' }) as {
    error?: unknown;
  };
  if (typeof parsed.error !== 'string') throw new Error(`the client's str(exception) would fail on error ${JSON.stringify(parsed.error)}`);
  return parsed.error;
}

/** `_raise_if_error` then `json.loads(content)`. */
function clientJson<T>(res: WireResponse): T {
  if (res.status !== 200) throw new Error(`[${res.status}] ${clientError(res)}`);
  return JSON.parse(res.body.toString('utf8')) as T;
}

// --- the client's calls, path for path ---------------------------------------------------------

const isServerLive = async (): Promise<boolean> => (await wire('GET', 'v2/health/live')).status === 200;
const isServerReady = async (): Promise<boolean> => (await wire('GET', 'v2/health/ready')).status === 200;
const isModelReady = async (name: string, version = ''): Promise<boolean> =>
  (await wire('GET', version !== '' ? `v2/models/${name}/versions/${version}/ready` : `v2/models/${name}/ready`)).status === 200;
const getServerMetadata = async (): Promise<Record<string, unknown>> => clientJson(await wire('GET', 'v2'));
const getModelMetadata = async (name: string, version = ''): Promise<Record<string, unknown>> =>
  clientJson(await wire('GET', version !== '' ? `v2/models/${name}/versions/${version}` : `v2/models/${name}`));
const getModelRepositoryIndex = async (): Promise<unknown> => clientJson(await wire('POST', 'v2/repository/index', ''));
/** `load_model(name)`: `json.dumps({})`. */
const loadModel = async (name: string): Promise<WireResponse> => wire('POST', `v2/repository/models/${name}/load`, '{}');
/** `unload_model(name)`: `json.dumps({"parameters": {"unload_dependents": False}})` (rapidjson: no spaces). */
const unloadModel = async (name: string): Promise<WireResponse> =>
  wire('POST', `v2/repository/models/${name}/unload`, '{"parameters":{"unload_dependents":false}}');

/** `InferInput(name, shape, "FP32").set_data_from_numpy(values, binary_data)`, as `_get_tensor()` and `_get_binary_data()` give it. */
function inferInput(name: string, shape: number[], values: number[], binary: boolean): { tensor: object; raw?: Buffer } {
  if (!binary) return { tensor: { name, shape, datatype: 'FP32', data: values } };
  const raw = Buffer.from(new Float32Array(values).buffer);
  return { tensor: { name, shape, datatype: 'FP32', parameters: { binary_data_size: raw.length } }, raw };
}

interface InferOptions {
  readonly version?: string;
  /** `InferRequestedOutput(name, binary_data)` each; none: `parameters.binary_data_output = True`. */
  readonly outputs?: { name: string; binary: boolean }[];
  readonly requestId?: string;
  readonly priority?: number;
  /** Microseconds, as the client sends it. */
  readonly timeout?: number;
  readonly compression?: 'gzip' | 'deflate';
}

/** `client.infer(...)`: `_get_inference_request`, the compression and the headers it adds, then InferResult. */
async function infer(model: string, inputs: ReturnType<typeof inferInput>[], o: InferOptions = {}): Promise<InferResult> {
  const request: Record<string, unknown> = {};
  const parameters: Record<string, unknown> = {};
  if (o.requestId) request['id'] = o.requestId;
  if (o.priority) parameters['priority'] = o.priority;
  if (o.timeout !== undefined) parameters['timeout'] = o.timeout;
  request['inputs'] = inputs.map((i) => i.tensor);
  if (o.outputs) request['outputs'] = o.outputs.map((out) => ({ name: out.name, parameters: { binary_data: out.binary } }));
  else parameters['binary_data_output'] = true;
  if (Object.keys(parameters).length > 0) request['parameters'] = parameters;
  const json = Buffer.from(JSON.stringify(request), 'utf8');
  const raws = inputs.flatMap((i) => (i.raw ? [i.raw] : []));
  let body = Buffer.concat([json, ...raws]);
  const headers: Record<string, string> = {};
  if (o.compression === 'gzip') {
    headers['Content-Encoding'] = 'gzip';
    body = gzipSync(body);
  } else if (o.compression === 'deflate') {
    headers['Content-Encoding'] = 'deflate';
    body = deflateSync(body); // zlib.compress: the zlib format
  }
  if (raws.length > 0) headers['Inference-Header-Content-Length'] = String(json.length);
  const path = o.version ? `v2/models/${model}/versions/${o.version}/infer` : `v2/models/${model}/infer`;
  const res = await wire('POST', path, body, headers);
  if (res.status !== 200) throw new Error(`[${res.status}] ${clientError(res)}`);
  return new InferResult(res);
}

interface OutputTensor {
  name: string;
  datatype: string;
  shape: number[];
  data?: number[];
  parameters?: { binary_data_size?: number };
}

/** tritonclient.http.InferResult: the JSON header, then each binary output's bytes in order. */
class InferResult {
  readonly result: { model_name: string; model_version: string; id?: string; outputs: OutputTensor[] };
  private readonly buffer: Buffer = Buffer.alloc(0);
  private readonly offsets = new Map<string, number>();
  readonly headerLength: number | undefined;

  constructor(res: WireResponse) {
    let body = res.body;
    const encoding = res.headers['content-encoding'];
    if (encoding === 'gzip') body = gunzipSync(body);
    else if (encoding === 'deflate') body = inflateSync(body);
    const length = res.headers['inference-header-content-length'];
    if (length === undefined) {
      this.result = JSON.parse(body.toString('utf8')) as InferResult['result'];
      return;
    }
    this.headerLength = Number(length);
    this.result = JSON.parse(body.subarray(0, this.headerLength).toString('utf8')) as InferResult['result'];
    this.buffer = body.subarray(this.headerLength);
    let index = 0;
    for (const out of this.result.outputs) {
      const size = out.parameters?.binary_data_size;
      if (size !== undefined) {
        this.offsets.set(out.name, index);
        index += size;
      }
    }
  }

  /** `as_numpy(name)`: the values (flat) and the shape they are reshaped to. */
  asNumpy(name: string): { values: number[]; shape: number[] } | undefined {
    const out = this.result.outputs.find((o) => o.name === name);
    if (!out) return undefined;
    expect(out.datatype).toBe('FP32');
    const size = out.parameters?.binary_data_size;
    let values: number[];
    if (size !== undefined) {
      const start = this.offsets.get(name)!;
      const bytes = Buffer.from(this.buffer.subarray(start, start + size));
      values = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, size / 4));
    } else {
      values = out.data!;
    }
    expect(values).toHaveLength(out.shape.reduce((a, b) => a * b, 1)); // numpy's reshape would raise otherwise
    return { values, shape: out.shape };
  }
}

const X = [2, 4, 6, 8, 10, 12];
const HALF_OF_X = [1, 2, 3, 4, 5, 6];
const SHAPE = [1, 3, 1, 2];

describe('gc-serve as tritonclient.http sees it', () => {
  it('is_server_live, is_server_ready', async () => {
    expect(await isServerLive()).toBe(true);
    expect(await isServerReady()).toBe(true);
  });

  it('get_server_metadata: name, version and the extensions as strings', async () => {
    const meta = await getServerMetadata();
    expect(meta).toEqual(
      expect.objectContaining({
        name: expect.any(String),
        version: expect.any(String),
        extensions: ['model_repository', 'binary_tensor_data'],
      }),
    );
  });

  it.each(['', '1'])('get_model_metadata(version=%j): name, versions, platform, inputs and outputs', async (version) => {
    const meta = await getModelMetadata('half', version);
    expect(meta).toEqual(
      expect.objectContaining({
        name: 'half',
        versions: ['1'],
        platform: expect.any(String),
        inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3, -1, -1] }],
        outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, 3, -1, -1] }],
      }),
    );
  });

  it('is_model_ready with and without a version; another version is not ready', async () => {
    expect(await isModelReady('half')).toBe(true);
    expect(await isModelReady('half', '1')).toBe(true);
    expect(await isModelReady('half', '2')).toBe(false);
    expect(await isModelReady('nope')).toBe(false);
  });

  it('infer with JSON tensors and JSON outputs (binary_data=False), request_id echoed', async () => {
    const r = await infer('half', [inferInput('input', SHAPE, X, false)], {
      outputs: [{ name: 'output', binary: false }],
      requestId: 'req-7',
    });
    expect(r.headerLength).toBeUndefined();
    expect([r.result.model_name, r.result.model_version, r.result.id]).toEqual(['half', '1', 'req-7']);
    expect(r.asNumpy('output')).toEqual({ values: HALF_OF_X, shape: SHAPE });
  });

  it('infer as the client does by default: binary tensors, no outputs named, Inference-Header-Content-Length', async () => {
    const r = await infer('half', [inferInput('input', SHAPE, X, true)]);
    expect(r.headerLength).toBeGreaterThan(0);
    expect(r.result.outputs[0]!.parameters).toEqual({ binary_data_size: 24 });
    expect(r.asNumpy('output')).toEqual({ values: HALF_OF_X, shape: SHAPE });
  });

  it('infer with model_version "1", priority and timeout parameters, binary output asked by name', async () => {
    const r = await infer('half', [inferInput('input', SHAPE, X, true)], {
      version: '1',
      priority: 1,
      timeout: 5_000_000,
      outputs: [{ name: 'output', binary: true }],
    });
    expect(r.asNumpy('output')).toEqual({ values: HALF_OF_X, shape: SHAPE });
  });

  it.each(['gzip', 'deflate'] as const)('infer with request_compression_algorithm=%s (JSON and binary bodies)', async (compression) => {
    const binary = await infer('half', [inferInput('input', SHAPE, X, true)], { compression });
    expect(binary.asNumpy('output')).toEqual({ values: HALF_OF_X, shape: SHAPE });
    const json = await infer('half', [inferInput('input', SHAPE, X, false)], { compression, outputs: [{ name: 'output', binary: false }] });
    expect(json.asNumpy('output')).toEqual({ values: HALF_OF_X, shape: SHAPE });
  });

  it('get_model_repository_index, unload_model, load_model', async () => {
    expect(await getModelRepositoryIndex()).toEqual([{ name: 'half', version: '1', state: 'READY', reason: '' }]);

    const unloaded = await unloadModel('half');
    expect(unloaded.status).toBe(200);
    expect(await isModelReady('half')).toBe(false);
    expect(await getModelRepositoryIndex()).toEqual([{ name: 'half', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' }]);
    await expect(infer('half', [inferInput('input', SHAPE, X, true)])).rejects.toThrow(/^\[404\] model 'half' is unloaded/);

    const loaded = await loadModel('half');
    expect(loaded.status).toBe(200);
    expect(await isModelReady('half')).toBe(true);
    expect(await isServerReady()).toBe(true);
    expect((await infer('half', [inferInput('input', SHAPE, X, true)])).asNumpy('output')!.values).toEqual(HALF_OF_X);
  });

  it('every error the client can meet is {"error": "<string>"}, so its exception prints', async () => {
    const badShape = JSON.stringify({ inputs: [inferInput('input', [3], [1, 2, 3], false).tensor] });
    const cases: [string, Promise<WireResponse>][] = [
      ['unknown model', wire('POST', 'v2/models/nope/infer', '{}')],
      ['unknown version', wire('POST', 'v2/models/half/versions/3/infer', '{}')],
      ['wrong shape', wire('POST', 'v2/models/half/infer', badShape)],
      ['corrupt gzip', wire('POST', 'v2/models/half/infer', Buffer.from('not gzip at all'), { 'Content-Encoding': 'gzip' })],
      ['unknown model metadata', wire('GET', 'v2/models/nope')],
      ['load of an unknown model', wire('POST', 'v2/repository/models/nope/load', '{}')],
    ];
    for (const [what, res] of cases) {
      const message = clientError(await res);
      expect([what, message.length > 0]).toEqual([what, true]);
    }
  });

  it.each([
    ['get_model_config', 'GET', 'v2/models/half/config'],
    ['get_inference_statistics', 'GET', 'v2/models/half/stats'],
    ['get_trace_settings', 'GET', 'v2/trace/setting'],
    ['get_log_settings', 'GET', 'v2/logging'],
    ['get_system_shared_memory_status', 'GET', 'v2/systemsharedmemory/status'],
    ['get_cuda_shared_memory_status', 'GET', 'v2/cudasharedmemory/status'],
  ] as const)('%s (out of scope) fails as the client expects a failure: non-200 with a string error', async (_call, method, path) => {
    const res = await wire(method, path);
    expect(res.status).toBe(404);
    expect(clientError(res)).toMatch(/^no route /);
  });
});
