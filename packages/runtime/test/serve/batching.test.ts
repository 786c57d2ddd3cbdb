/**
 * Dynamic batching on a model exported with a symbolic batch dimension: concurrent requests share
 * one run and each gets its own rows back; only requests of the same size share a run. And such a
 * model (all dims symbolic) is warmed up before it serves, with profiling ended.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { currentTraceDir } from '../../src/session/trace-files';
import { type Running, halfModel, inferValues, metricValue, startServer, tempDir, writeModel } from './helpers';

/** POSTs a v2 infer request of one [1,3,n,n] tensor filled with `v`; the status and output values. */
async function inferSquare(url: string, n: number, v: number): Promise<{ status: number; data?: number[]; error?: string }> {
  const body = { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, n, n], data: new Array(3 * n * n).fill(v) }] };
  const r = await fetch(`${url}/v2/models/half/infer`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  if (r.status !== 200) return { status: r.status, error: await r.text() };
  const json = (await r.json()) as { outputs: { data: number[] }[] };
  return { status: 200, data: json.outputs[0]!.data };
}

/** Every file under `dir` (recursively). */
function filesUnder(dir: string | undefined): string[] {
  if (!dir) return [];
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));
}

let srv: Running;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  // A long max delay: the batch leaves as soon as it is full, so the test never waits for it.
  srv = await startServer({ target: writeModel(t.dir, 'half', halfModel()), maxBatch: 4, maxDelayMs: 5_000 });
});

afterAll(async () => {
  await srv?.stop();
  cleanup?.();
});

describe('gc-serve dynamic batching', () => {
  it('runs 4 concurrent requests as one batch and returns each its own output', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((k) => inferValues(srv.url, 'half', [k, 10 * k, -k])));
    expect(results).toEqual([1, 2, 3, 4].map((k) => ({ status: 200, data: [k / 2, 5 * k, -k / 2] })));

    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metricValue(metrics, 'gc_serve_batch_size_count', { model: 'half' })).toBe(1);
    expect(metricValue(metrics, 'gc_serve_batch_size_sum', { model: 'half' })).toBe(4);
  });

  it('counts a request with its own batch of 2 as two rows and keeps it together', async () => {
    const body = {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 3, 1, 1], data: [1, 2, 3, 4, 5, 6] }],
    };
    const two = fetch(`${srv.url}/v2/models/half/infer`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    const others = [inferValues(srv.url, 'half', [8, 8, 8]), inferValues(srv.url, 'half', [6, 6, 6])];
    const r = await two;
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ outputs: [{ shape: [2, 3, 1, 1], data: [0.5, 1, 1.5, 2, 2.5, 3] }] });
    expect(await Promise.all(others)).toEqual([
      { status: 200, data: [4, 4, 4] },
      { status: 200, data: [3, 3, 3] },
    ]);
    // 2 + 1 + 1 rows filled the batch of 4: one more run, of three requests.
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metricValue(metrics, 'gc_serve_batch_size_count', { model: 'half' })).toBe(2);
    expect(metricValue(metrics, 'gc_serve_batch_size_sum', { model: 'half' })).toBe(7);
  });

  it('batches only requests of the same size: 4 of 1x1 and 4 of 2x2, interleaved, are two full batches', async () => {
    const sizes = [1, 2, 1, 2, 1, 2, 1, 2];
    const results = await Promise.all(sizes.map((n, i) => inferSquare(srv.url, n, i + 1)));
    expect(results).toEqual(sizes.map((n, i) => ({ status: 200, data: new Array(3 * n * n).fill((i + 1) / 2) })));
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metricValue(metrics, 'gc_serve_batch_size_count', { model: 'half' })).toBe(4);
    expect(metricValue(metrics, 'gc_serve_batch_size_sum', { model: 'half' })).toBe(15);
  });
});

describe('gc-serve dynamic batching with a short delay', () => {
  let two: Running;
  let cleanupTwo: () => void;

  beforeAll(async () => {
    const t = tempDir();
    cleanupTwo = t.cleanup;
    two = await startServer({ target: writeModel(t.dir, 'half', halfModel()), maxBatch: 4, maxDelayMs: 20 });
  });

  afterAll(async () => {
    await two?.stop();
    cleanupTwo?.();
  });

  it('answers two concurrent requests of different sizes 200 each, each in a batch of its own', async () => {
    const [small, large] = await Promise.all([inferSquare(two.url, 1, 4), inferSquare(two.url, 16, 6)]);
    expect(small).toEqual({ status: 200, data: [2, 2, 2] });
    expect(large).toEqual({ status: 200, data: new Array(3 * 16 * 16).fill(3) });
    const metrics = await (await fetch(`${two.url}/metrics`)).text();
    expect(metricValue(metrics, 'gc_serve_batch_size_count', { model: 'half' })).toBe(2);
    expect(metricValue(metrics, 'gc_serve_batch_size_sum', { model: 'half' })).toBe(2);
  });

  it('served the model only after warming it up at a concrete shape, and keeps no profiling trace', async () => {
    const model = two.server.repository.get('half').model!;
    // halfModel() carries no macs_input_shape: batch 1 x 256 x 256.
    expect(model.warmupShapes).toEqual({ input: [1, 3, 256, 256] });
    expect(model.placement?.summary).toBe('1 kernel on CPU after graph optimisation');
    const meta = (await (await fetch(`${two.url}/v2/models/half`)).json()) as { placement: unknown; warmupMs: unknown };
    expect(meta.placement).toMatchObject({ summary: '1 kernel on CPU after graph optimisation (1 graph node)' });
    expect(meta.warmupMs).toEqual(expect.any(Number));
    // One at a time: each leaves after maxDelayMs (20 ms) as a batch of one.
    for (let i = 0; i < 40; i++) expect((await inferValues(two.url, 'half', [i, i, i])).status).toBe(200);
    expect(filesUnder(currentTraceDir())).toEqual([]);
  });
});
