/**
 * KServe v2 gRPC (`--grpc-port`): a real daemon on 127.0.0.1 serving a model gc-export made from the
 * trained edges2shapes example over HTTP and gRPC at once, asked by a real @grpc/grpc-js client built
 * from the same vendored proto. ModelInfer must answer bit for bit what POST /v2/models/{name}/infer
 * answers; errors carry the HTTP route's message with the matching gRPC status; the token, the
 * metrics and the shutdown are the HTTP side's.
 */
import { join } from 'node:path';
import { type CallOptions, type Client, Metadata, Server, ServerCredentials, type ServiceError, credentials, status } from '@grpc/grpc-js';
import { exportSubnet, loadSubnetSpec } from '@gc-edge/exporter';
import { loadInferenceService } from '../../src/serve/grpc/proto';
import { createServer } from '../../src/serve/server';
import { EXAMPLES } from '../../../../test/support/fixtures';
import { CPU_PROFILE, Gate, type Running, errorOf, halfModel, inferValues, metricValue, startServer, tempDir, writeModel } from './helpers';

const TOKEN = 'grpc-test-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let srv: Running;
let client: Client;
let cleanup: () => void;
let http: (path: string, init?: RequestInit) => Promise<Response>;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  writeModel(t.dir, 'edges2shapes', exportSubnet(loadSubnetSpec(join(EXAMPLES, 'edges2shapes', 'subnet.json'))).bytes);
  srv = await startServer({ target: t.dir, grpcPort: 0, token: TOKEN });
  const { Client: InferenceClient } = loadInferenceService();
  client = new InferenceClient(`127.0.0.1:${srv.server.grpcPort()!}`, credentials.createInsecure());
  http = (path, init = {}) => fetch(`${srv.url}${path}`, { ...init, headers: { ...AUTH, ...(init.headers as Record<string, string>) } });
}, 120_000);

afterAll(async () => {
  client?.close();
  await srv?.stop();
  cleanup?.();
});

/** A unary method of the generated client, as grpc-js makes it. */
type Unary = (
  request: object,
  metadata: Metadata,
  options: CallOptions,
  callback: (err: ServiceError | null, res: unknown) => void,
) => void;

/** One unary call on client `c`; resolves with the response or rejects with the ServiceError. */
function unary<T>(c: Client, rpc: string, request: object, headers: Record<string, string>, options: CallOptions = {}): Promise<T> {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
  const method = (c as unknown as Record<string, Unary>)[rpc]!;
  return new Promise((resolve, reject) =>
    method.call(c, request, metadata, options, (err, res) => (err ? reject(err) : resolve(res as T))),
  );
}

function call<T = Record<string, unknown>>(rpc: string, request: object, headers: Record<string, string> = AUTH): Promise<T> {
  return unary<T>(client, rpc, request, headers);
}

async function failure(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected the call to fail');
}

/** A seeded, non-trivial [1,3,128,128] input in [-1, 1) (the model's input range). */
function input(): Float32Array {
  const x = new Float32Array(3 * 128 * 128);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    x[i] = (s / 2 ** 31) * 2 - 1;
  }
  return x;
}

const bytesOf = (x: Float32Array): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

/** POST /v2/models/edges2shapes/infer with binary input and output; the output's raw bytes. */
async function httpInferBytes(x: Float32Array): Promise<{ shape: number[]; bytes: Buffer }> {
  const head = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 128, 128], parameters: { binary_data_size: x.byteLength } }],
      parameters: { binary_data_output: true },
    }),
  );
  const r = await http('/v2/models/edges2shapes/infer', {
    method: 'POST',
    body: Buffer.concat([head, bytesOf(x)]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(head.length) },
  });
  expect(r.status).toBe(200);
  const body = Buffer.from(await r.arrayBuffer());
  const n = Number(r.headers.get('inference-header-content-length'));
  const json = JSON.parse(body.subarray(0, n).toString('utf8')) as { outputs: { shape: number[] }[] };
  return { shape: json.outputs[0]!.shape, bytes: body.subarray(n) };
}

interface InferResponse {
  model_name: string;
  id: string;
  outputs: { name: string; datatype: string; shape: number[] }[];
  raw_output_contents: Buffer[];
}

describe('KServe v2 gRPC', () => {
  it('answers ServerLive and ServerReady without the token, as /v2/health/* over HTTP', async () => {
    expect(await call('ServerLive', {}, {})).toEqual({ live: true });
    expect(await call('ServerReady', {}, {})).toEqual({ ready: true });
  });

  it('refuses ServerMetadata without the bearer token (UNAUTHENTICATED, the HTTP message) and answers it with', async () => {
    const err = await failure(call('ServerMetadata', {}, {}));
    expect(err.code).toBe(status.UNAUTHENTICATED);
    const r = await fetch(`${srv.url}/v2`);
    expect(err.details).toBe((await errorOf(r)).message);
    expect(err.metadata.get('gc-code')).toEqual(['E_UNAUTHORIZED']);

    const wrong = await failure(call('ServerMetadata', {}, { authorization: 'Bearer nope' }));
    expect(wrong.code).toBe(status.UNAUTHENTICATED);

    const meta = await call('ServerMetadata', {});
    const v2 = (await (await http('/v2')).json()) as { name: string; version: string; extensions: string[] };
    expect(meta).toEqual({ name: v2.name, version: v2.version, extensions: v2.extensions });
  });

  it('describes the model as GET /v2/models/{name} does (ModelMetadata, ModelReady)', async () => {
    const meta = await call('ModelMetadata', { name: 'edges2shapes' });
    const v2 = (await (await http('/v2/models/edges2shapes')).json()) as Record<string, unknown>;
    const expected = { name: 'edges2shapes', versions: ['1'], platform: 'onnxruntime_onnx', inputs: v2['inputs'], outputs: v2['outputs'] };
    expect(meta).toEqual(expected);
    expect(meta['inputs']).toEqual([{ name: 'input', datatype: 'FP32', shape: [1, 3, 128, 128] }]);
    expect(await call('ModelReady', { name: 'edges2shapes', version: '1' })).toEqual({ ready: true });
  });

  it('ModelInfer with raw_input_contents answers bit for bit what the HTTP infer route answers', async () => {
    const x = input();
    const viaHttp = await httpInferBytes(x);
    const res = await call<InferResponse>('ModelInfer', {
      model_name: 'edges2shapes',
      id: 'req-7',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 128, 128] }],
      raw_input_contents: [bytesOf(x)],
    });
    expect(res.model_name).toBe('edges2shapes');
    expect(res.id).toBe('req-7');
    expect(res.outputs).toEqual([expect.objectContaining({ name: 'output', datatype: 'FP32', shape: viaHttp.shape })]);
    expect(res.raw_output_contents).toHaveLength(1);
    expect(viaHttp.bytes.length).toBe(3 * 128 * 128 * 4);
    expect(Buffer.compare(res.raw_output_contents[0]!, viaHttp.bytes)).toBe(0);
    // not a constant answer: the model did work on the input
    expect(new Set(new Float32Array(new Uint8Array(res.raw_output_contents[0]!).buffer)).size).toBeGreaterThan(100);
  });

  it('ModelInfer takes typed contents.fp32_contents too, with the same answer', async () => {
    const x = input();
    const res = await call<InferResponse>('ModelInfer', {
      model_name: 'edges2shapes',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 128, 128], contents: { fp32_contents: Array.from(x) } }],
      outputs: [{ name: 'output' }],
    });
    expect(Buffer.compare(res.raw_output_contents[0]!, (await httpInferBytes(x)).bytes)).toBe(0);
  });

  it('refuses a tensor of the wrong shape with INVALID_ARGUMENT and the HTTP route message', async () => {
    const x = new Float32Array(3 * 64 * 64);
    const err = await failure(
      call('ModelInfer', {
        model_name: 'edges2shapes',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 64, 64] }],
        raw_input_contents: [bytesOf(x)],
      }),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    const r = await http('/v2/models/edges2shapes/infer', {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 64, 64], data: Array.from(x) }] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(err.details).toBe((await errorOf(r)).message);
    expect(err.details).toMatch(/inputs\[0\]\.shape: \[1,3,64,64\] but model 'edges2shapes' input 'input' is \[1,3,128,128\]/);
  });

  it('refuses raw contents that do not match the inputs (INVALID_ARGUMENT), an unknown model or version (NOT_FOUND)', async () => {
    const short = await failure(
      call('ModelInfer', {
        model_name: 'edges2shapes',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 128, 128] }],
        raw_input_contents: [Buffer.alloc(12)],
      }),
    );
    expect(short.code).toBe(status.INVALID_ARGUMENT);
    expect(short.details).toMatch(/binary_data_size is 12 bytes but shape \[1,3,128,128\] of FP32 holds 196608/);

    const unknown = await failure(call('ModelInfer', { model_name: 'zebra', inputs: [] }));
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(unknown.details).toMatch(/no model named "zebra"; this daemon serves 'edges2shapes'/);

    const version = await failure(call('ModelReady', { name: 'edges2shapes', version: '2' }));
    expect(version.code).toBe(status.NOT_FOUND);
  });

  it('counts calls in the same request metrics as HTTP (route = the RPC, method GRPC, status as HTTP would answer)', async () => {
    const route = '/inference.GRPCInferenceService/ModelInfer';
    const before = await (await http('/metrics')).text();
    const ok = metricValue(before, 'gc_serve_requests_total', { route, method: 'GRPC', status: '200' }) ?? 0;
    const bad = metricValue(before, 'gc_serve_requests_total', { route, method: 'GRPC', status: '400' }) ?? 0;
    await call('ModelInfer', {
      model_name: 'edges2shapes',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 128, 128] }],
      raw_input_contents: [bytesOf(input())],
    });
    await failure(call('ModelInfer', { model_name: 'edges2shapes', inputs: [] }));
    const after = await (await http('/metrics')).text();
    expect(metricValue(after, 'gc_serve_requests_total', { route, method: 'GRPC', status: '200' })).toBe(ok + 1);
    expect(metricValue(after, 'gc_serve_requests_total', { route, method: 'GRPC', status: '400' })).toBe(bad + 1);
  });
});

describe('KServe v2 gRPC limits and lifecycle', () => {
  it('refuses a message over --max-body-mb (RESOURCE_EXHAUSTED) and stops with the daemon', async () => {
    const t = tempDir();
    try {
      writeModel(t.dir, 'edges2shapes', exportSubnet(loadSubnetSpec(join(EXAMPLES, 'edges2shapes', 'subnet.json'))).bytes);
      const small = await startServer({ target: t.dir, grpcPort: 0, maxBodyMb: 0.1 });
      const port = small.server.grpcPort()!;
      const { Client: InferenceClient } = loadInferenceService();
      const c = new InferenceClient(`127.0.0.1:${port}`, credentials.createInsecure());
      const ask = (rpc: string, req: object): Promise<unknown> => unary(c, rpc, req, {});
      const big = await failure(
        ask('ModelInfer', {
          model_name: 'edges2shapes',
          inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 128, 128] }],
          raw_input_contents: [bytesOf(input())],
        }),
      );
      expect(big.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(await ask('ServerLive', {})).toEqual({ live: true });

      await small.stop();
      const after = await failure(ask('ServerLive', {}));
      expect(after.code).toBe(status.UNAVAILABLE);
      c.close();
    } finally {
      t.cleanup();
    }
  });
});

describe('KServe v2 gRPC port', () => {
  it('a --grpc-port already taken is E_LISTEN naming the flag, and the HTTP port is let go', async () => {
    const busy = new Server();
    const taken = await new Promise<number>((resolve, reject) =>
      busy.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, port) => (e ? reject(e) : resolve(port))),
    );
    const t = tempDir();
    try {
      writeModel(t.dir, 'half', halfModel());
      const lines: string[] = [];
      const log = (l: string): void => void lines.push(l);
      const server = createServer({ target: t.dir, profile: CPU_PROFILE, host: '127.0.0.1', port: 0, grpcPort: taken, log });
      await expect(server.listen()).rejects.toMatchObject({ code: 'E_LISTEN', message: expect.stringContaining(`--grpc-port ${taken}`) });
      expect(server.app.server.listening).toBe(false);
      await server.close();
    } finally {
      busy.forceShutdown();
      t.cleanup();
    }
  });
});

describe('KServe v2 gRPC shares the HTTP queue', () => {
  it('ModelInfer on a queue full of HTTP requests is UNAVAILABLE (the HTTP message); a call deadline holds on the server', async () => {
    const t = tempDir();
    const gate = new Gate();
    writeModel(t.dir, 'half', halfModel()); // y = x / 2
    const options = { target: t.dir, grpcPort: 0, workers: 1, queueSize: 1, timeoutMs: 60_000, createPool: gate.createPool };
    const held = await startServer(options);
    const { Client: InferenceClient } = loadInferenceService();
    const c = new InferenceClient(`127.0.0.1:${held.server.grpcPort()!}`, credentials.createInsecure());
    try {
      const running = inferValues(held.url, 'half', [1, 2, 3]);
      await gate.waitHeld(1);
      const queued = inferValues(held.url, 'half', [4, 5, 6]);
      const slot = held.server.repository.get('half');
      while (slot.scheduler!.depth < 1) await new Promise((r) => setTimeout(r, 5));

      const input = { name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], contents: { fp32_contents: [1, 2, 3] } };
      const refused = await failure(unary(c, 'ModelInfer', { model_name: 'half', inputs: [input] }, {}));
      expect(refused.code).toBe(status.UNAVAILABLE);
      expect(refused.metadata.get('gc-code')).toEqual(['E_OVERLOADED']);
      expect(refused.details).toMatch(/queue full/);
      const overHttp = await fetch(`${held.url}/v2/models/half/infer`, {
        method: 'POST',
        body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [1, 2, 3] }] }),
        headers: { 'content-type': 'application/json' },
      });
      expect(overHttp.status).toBe(503);
      expect(refused.details).toBe((await errorOf(overHttp)).message);

      gate.release(true);
      expect(await running).toEqual({ status: 200, data: [0.5, 1, 1.5] });
      expect(await queued).toEqual({ status: 200, data: [2, 2.5, 3] });

      // The call's own deadline, shorter than --timeout-ms (60 s), ends the run on the server too:
      // it counts a 504 for the RPC (the client's DEADLINE_EXCEEDED alone would not show that).
      gate.open = false;
      const route = '/inference.GRPCInferenceService/ModelInfer';
      const late = await failure(unary(c, 'ModelInfer', { model_name: 'half', inputs: [input] }, {}, { deadline: Date.now() + 300 }));
      expect(late.code).toBe(status.DEADLINE_EXCEEDED);
      for (;;) {
        const text = await (await fetch(`${held.url}/metrics`)).text();
        if (metricValue(text, 'gc_serve_requests_total', { route, method: 'GRPC', status: '504' }) === 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      c.close();
      gate.release(true);
      await held.stop();
      t.cleanup();
    }
  });
});
