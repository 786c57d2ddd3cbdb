/**
 * Shared by the gc-serve tests: a CPU profile, tiny models built with the exporter's GraphBuilder,
 * an in-process server on 127.0.0.1:0, and a pool wrapper that holds runs until the test lets
 * them go (deterministic queue-full and deadline cases without timing guesses).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder, attr, encodeModel } from '@gc-edge/core';
import type { DeviceProfile } from '@gc-edge/runtime';
import { createPool } from '../../src/worker/pool';
import { type GcServer, createServer } from '../../src/serve/server';
import type { ServeOptions } from '../../src/serve/options';
import type { CreatePool } from '../../src/serve/repository';
import { BASELINE_TORCH_EXPORT, IMAGE_FIXTURES } from '../../../../test/support/fixtures';

export const BASELINE_ONNX = BASELINE_TORCH_EXPORT;
export const IMAGES = IMAGE_FIXTURES;
/** A real 256x256 photo. */
export const HORSE_PNG = readFileSync(join(IMAGES, 'in-horse2zebra-0.png'));

export const CPU_PROFILE: DeviceProfile = {
  id: 'cpu-test',
  name: 'CPU (tests)',
  architecture: 'any',
  executionProviders: [{ name: 'cpu' }],
  threads: { intraOp: 1, interOp: 1 },
  precision: 'fp32',
  graphOptimizationLevel: 'all',
  setup: [],
};

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gc-serve-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** y = x * 0.5 on [batch, 3, height, width] (all symbolic): dynamic batch and any image size. */
export function halfModel(): Uint8Array {
  return scaleModel(0.5, { architecture: 'half', config: 'none', macs: '0' });
}

/** y = x * factor on [batch, 3, height, width], all dims symbolic. */
export function scaleModel(factor: number, metadata: Record<string, string> = {}): Uint8Array {
  const g = new GraphBuilder('scale');
  const x = g.input({ name: 'input', elemType: 'float32', shape: ['batch', 3, 'height', 'width'] });
  const k = g.float('factor', [], new Float32Array([factor]));
  g.rename(g.node('Mul', 'mul', [x, k]), 'output');
  g.output({ name: 'output', elemType: 'float32', shape: ['batch', 3, 'height', 'width'] });
  return encodeModel({ graph: g.finish(), opset: 13, producerName: 'gc-serve-test', producerVersion: '0', metadata });
}

/**
 * [1,3,size,size] -> conv 3->c -> `layers` x conv c->c -> conv c->3 -> tanh: a model slow enough
 * (seconds on one CPU thread at the defaults) that a request is surely still in flight.
 */
export function slowModel(size = 256, c = 64, layers = 8): Uint8Array {
  const g = new GraphBuilder('slow');
  let v = g.input({ name: 'input', elemType: 'float32', shape: [1, 3, size, size] });
  const conv = (from: string, cin: number, cout: number, name: string): string => {
    const w = new Float32Array(cout * cin * 9).fill(1 / (cin * 9));
    const wn = g.float(`${name}.weight`, [cout, cin, 3, 3], w);
    return g.node('Conv', name, [from, wn], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) });
  };
  v = conv(v, 3, c, 'first');
  for (let i = 0; i < layers; i++) v = conv(v, c, c, `mid${i}`);
  v = g.node('Tanh', 'tanh', [conv(v, c, 3, 'last')]);
  g.rename(v, 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [1, 3, size, size] });
  return encodeModel({ graph: g.finish(), opset: 13, producerName: 'gc-serve-test', producerVersion: '0', metadata: {} });
}

export function writeModel(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, bytes);
  return path;
}

export interface Running {
  readonly url: string;
  readonly server: GcServer;
  stop(): Promise<void>;
}

/** Starts a daemon in this process on 127.0.0.1:0 and waits until its models are warm. */
export async function startServer(options: Partial<ServeOptions> & Pick<ServeOptions, 'target'>): Promise<Running> {
  const lines: string[] = [];
  const server = createServer({ profile: CPU_PROFILE, host: '127.0.0.1', port: 0, log: (l) => lines.push(l), ...options });
  const url = await server.listen();
  const failures = await server.loadModels();
  if (failures.length > 0 && failures.length === server.repository.names.length) {
    await server.close();
    throw failures[0]!.error;
  }
  return { url, server, stop: () => server.close() };
}

/**
 * A real pool whose runs wait at a gate: `held` counts runs waiting, `release()` lets one go.
 * Use `createPool: gate.createPool`.
 */
export class Gate {
  private waiters: (() => void)[] = [];
  private arrived: (() => void)[] = [];
  open = false;

  get held(): number {
    return this.waiters.length;
  }

  readonly createPool: CreatePool = async (path, profile, options) => {
    const pool = await createPool(path, profile, options);
    const run = pool.run.bind(pool);
    pool.run = async (feeds) => {
      if (!this.open) {
        await new Promise<void>((resolve) => {
          this.waiters.push(resolve);
          for (const a of this.arrived.splice(0)) a();
        });
      }
      return run(feeds);
    };
    return pool;
  };

  /** Resolves once `n` runs are held (bounded by the test timeout). */
  async waitHeld(n: number): Promise<void> {
    while (this.waiters.length < n) await new Promise<void>((r) => this.arrived.push(r));
  }

  release(all = false): void {
    if (all) this.open = true;
    const batch = all ? this.waiters.splice(0) : this.waiters.splice(0, 1);
    for (const w of batch) w();
  }
}

/**
 * The KServe v2 error body, `{"error": "<message>"}` with gc-serve's `code` (and `hint`) beside it,
 * as the message and code; shared by the bad-input tests (the hint is read where a test asserts
 * it). A client that reads `error` as a string (Triton's, KServe's) must find one.
 */
export async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json')) throw new Error(`expected a JSON error body, got Content-Type '${type}'`);
  const body = (await res.json()) as { error?: unknown; code?: unknown };
  if (typeof body.error !== 'string' || typeof body.code !== 'string') {
    throw new Error(`expected {"error": "<message>", "code"}, got ${JSON.stringify(body)}`);
  }
  return { code: body.code, message: body.error };
}

/** One metric sample's value from Prometheus text (`name{labels} value`), or undefined. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** POSTs a v2 infer request of one [1,3,1,1] tensor and returns the status and output values. */
export async function inferValues(
  url: string,
  model: string,
  values: [number, number, number],
  headers: Record<string, string> = {},
): Promise<{ status: number; data?: number[] }> {
  const body = { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: values }] };
  const r = await fetch(`${url}/v2/models/${model}/infer`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  if (r.status !== 200) {
    await r.arrayBuffer();
    return { status: r.status };
  }
  const json = (await r.json()) as { outputs: { data: number[] }[] };
  return { status: 200, data: json.outputs[0]!.data };
}
