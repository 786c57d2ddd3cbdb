/**
 * The journey end to end with the real binaries: gc-export writes the trained edges2shapes
 * model with its Triton repository entry; the real `gc-serve` process serves that file with
 * `--grpc-port 0` and a bearer token; a @grpc/grpc-js client built from the shipped proto asks it
 * for ServerReady, ModelMetadata and a ModelInfer whose raw output equals, byte for byte, what the
 * same daemon answers over HTTP; SIGTERM stops both transports and the process exits 0.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Client, Metadata, type ServiceError, credentials, status } from '@grpc/grpc-js';
import { loadInferenceService } from '../packages/runtime/src/serve/grpc/proto';
import { EXAMPLES, REPO_ROOT } from './support/fixtures';

const GC_EXPORT = path.join(REPO_ROOT, 'packages/exporter/bin/gc-export.js');
const GC_SERVE = path.join(REPO_ROOT, 'packages/runtime/bin/gc-serve.js');
const TOKEN = 'journey-token';

type Unary = (request: object, metadata: Metadata, callback: (err: ServiceError | null, res: unknown) => void) => void;

function unary<T>(c: Client, rpc: string, request: object, token?: string): Promise<T> {
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  const method = (c as unknown as Record<string, Unary>)[rpc]!;
  return new Promise((resolve, reject) => method.call(c, request, metadata, (err, res) => (err ? reject(err) : resolve(res as T))));
}

let dir: string;
let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('a model exported once (with its Triton entry) is served by the gc-serve binary over HTTP and gRPC alike', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-grpc-journey-'));
  const subnet = path.join(EXAMPLES, 'edges2shapes', 'subnet.json');
  const exported = spawnSync(process.execPath, [GC_EXPORT, subnet, '-o', 'edges2shapes.onnx', '--triton', 'models', '--quiet'], {
    cwd: dir,
    encoding: 'utf8',
  });
  expect(exported.stderr).toBe('');
  expect(exported.status).toBe(0);
  expect(fs.existsSync(path.join(dir, 'models', 'edges2shapes', 'config.pbtxt'))).toBe(true);

  const proc = spawn(process.execPath, [GC_SERVE, 'edges2shapes.onnx', '--device', 'cpu', '--port', '0', '--grpc-port', '0'], {
    cwd: dir,
    env: { ...process.env, GC_SERVE_TOKEN: TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child = proc;
  let log = '';
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    proc.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      if (/^gc-serve: ready$/m.test(log)) resolve();
    });
    void exit.then(() => reject(new Error(`gc-serve exited before it was ready:\n${log}`)));
  });
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)![1]!;
  const grpcPort = Number(/KServe v2 gRPC on 127\.0\.0\.1:(\d+)/.exec(log)![1]);

  const { Client: InferenceClient } = loadInferenceService();
  const client = new InferenceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  try {
    expect(await unary(client, 'ServerReady', {})).toEqual({ ready: true });
    const meta = await unary<{ inputs: unknown[] }>(client, 'ModelMetadata', { name: 'edges2shapes' }, TOKEN);
    expect(meta.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [1, 3, 128, 128] }]);

    const x = Float32Array.from({ length: 3 * 128 * 128 }, (_, i) => Math.sin(i * 0.37));
    const raw = Buffer.from(x.buffer);
    const viaGrpc = await unary<{ raw_output_contents: Buffer[] }>(
      client,
      'ModelInfer',
      { model_name: 'edges2shapes', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 128, 128] }], raw_input_contents: [raw] },
      TOKEN,
    );
    const head = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 128, 128], parameters: { binary_data_size: raw.length } }],
        parameters: { binary_data_output: true },
      }),
    );
    const r = await fetch(`${url}/v2/models/edges2shapes/infer`, {
      method: 'POST',
      body: Buffer.concat([head, raw]),
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(head.length),
      },
    });
    expect(r.status).toBe(200);
    const body = Buffer.from(await r.arrayBuffer());
    const viaHttp = body.subarray(Number(r.headers.get('inference-header-content-length')));
    expect(viaHttp.length).toBe(raw.length);
    expect(Buffer.compare(viaGrpc.raw_output_contents[0]!, viaHttp)).toBe(0);

    proc.kill('SIGTERM');
    expect(await exit).toBe(0);
    const after = await unary(client, 'ServerLive', {}).catch((e: ServiceError) => e);
    expect((after as ServiceError).code).toBe(status.UNAVAILABLE);
  } finally {
    client.close();
  }
});
