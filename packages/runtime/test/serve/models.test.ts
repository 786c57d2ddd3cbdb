/**
 * Model metadata, readiness, KServe v2 infer, metrics and the bearer token, on a folder of two
 * models: the compressed CycleGAN baseline and a tiny dynamic-shape model.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASELINE_ONNX, HORSE_PNG, type Running, errorOf, halfModel, metricValue, startServer, tempDir, writeModel } from './helpers';

let srv: Running;
let cleanup: () => void;
const TOKEN = 'test-token-123';
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  copyFileSync(BASELINE_ONNX, join(t.dir, 'h2z.onnx'));
  writeModel(t.dir, 'half', halfModel());
  srv = await startServer({ target: t.dir, token: TOKEN });
});

afterAll(async () => {
  await srv?.stop();
  cleanup?.();
});

describe('gc-serve models, metrics and auth', () => {
  it('is live and ready without a token', async () => {
    const live = await fetch(`${srv.url}/v2/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { live: true }]);
    const ready = await fetch(`${srv.url}/v2/health/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true }]);
  });

  it('refuses everything else without the right bearer token, with 401', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }];
    for (const headers of attempts) {
      const r = await fetch(`${srv.url}/v2/models/h2z`, { headers });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
      expect((await errorOf(r)).code).toBe('E_UNAUTHORIZED');
    }
    expect((await fetch(`${srv.url}/metrics`)).status).toBe(401);
    const gen = await fetch(`${srv.url}/v1/models/h2z/generate`, {
      method: 'POST',
      body: HORSE_PNG,
      headers: { 'content-type': 'image/png' },
    });
    expect(gen.status).toBe(401);
  });

  it('describes a model: v2 inputs/outputs plus provider and placement', async () => {
    const r = await fetch(`${srv.url}/v2/models/h2z`, { headers: auth });
    expect(r.status).toBe(200);
    const m = (await r.json()) as Record<string, unknown>;
    expect(m).toMatchObject({
      name: 'h2z',
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 256, 256] }],
      outputs: [{ name: 'output', datatype: 'FP32', shape: [1, 3, 256, 256] }],
      state: 'ready',
      provider: 'cpu',
      workers: 1,
    });
    expect((m['placement'] as { summary: string }).summary).toMatch(/on CPU/);
    expect(m['loadMs']).toEqual(expect.any(Number));
  });

  it('says what the placement counts, rounds timings to a tenth of a ms, and gives no size rule to a fixed-size model', async () => {
    const m = (await (await fetch(`${srv.url}/v2/models/h2z`, { headers: auth })).json()) as {
      placement: { summary: string };
      graphNodes: number;
      warmupMs: number;
      loadMs: number;
      limits: Record<string, unknown>;
    };
    expect(m.placement.summary).toMatch(new RegExp(`^\\d+ kernels? on CPU after graph optimisation \\(${m.graphNodes} graph nodes?\\)$`));
    for (const t of [m.warmupMs, m.loadMs]) expect(Math.round(t * 10) / 10).toBe(t);
    expect(m.limits).not.toHaveProperty('symbolicSize');
    const half = (await (await fetch(`${srv.url}/v2/models/half`, { headers: auth })).json()) as { limits: Record<string, unknown> };
    expect(half.limits).toHaveProperty('symbolicSize');
  });

  it('reports gc-export metadata (architecture, config, MACs) and symbolic dims as -1', async () => {
    const m = (await (await fetch(`${srv.url}/v2/models/half`, { headers: auth })).json()) as Record<string, unknown>;
    expect(m).toMatchObject({ architecture: 'half', config: 'none', macs: 0, inputs: [{ name: 'input', shape: [-1, 3, -1, -1] }] });
  });

  it('says a model is ready', async () => {
    const r = await fetch(`${srv.url}/v2/models/h2z/ready`, { headers: auth });
    expect([r.status, await r.json()]).toEqual([200, { name: 'h2z', ready: true }]);
  });

  it('runs a KServe v2 infer request and returns the tensors', async () => {
    const body = {
      id: 'req-1',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 2], data: [[[[1, 2]], [[3, 4]], [[-5, 6]]]] }],
    };
    const r = await fetch(`${srv.url}/v2/models/half/infer`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      model_name: 'half',
      model_version: '1',
      id: 'req-1',
      outputs: [{ name: 'output', datatype: 'FP32', shape: [1, 3, 1, 2], data: [0.5, 1, 1.5, 2, -2.5, 3] }],
    });
  });

  it('keeps the image size on a model with symbolic height and width', async () => {
    const r = await fetch(`${srv.url}/v1/models/half/generate`, {
      method: 'POST',
      body: HORSE_PNG,
      headers: { ...auth, 'content-type': 'image/png', accept: 'image/webp' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/webp');
    await r.arrayBuffer();
  });

  it('exposes Prometheus metrics: requests by route and status, stage latencies, queue depth, load time', async () => {
    const gen = await fetch(`${srv.url}/v1/models/h2z/generate`, {
      method: 'POST',
      body: HORSE_PNG,
      headers: { ...auth, 'content-type': 'image/png' },
    });
    await gen.arrayBuffer();
    const r = await fetch(`${srv.url}/metrics`, { headers: auth });
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await r.text();
    expect(metricValue(text, 'gc_serve_requests_total', { route: '/v2/models/:name', status: '401' })).toBeGreaterThanOrEqual(3);
    expect(
      metricValue(text, 'gc_serve_requests_total', { route: '/v1/models/:name/generate', method: 'POST', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    for (const stage of ['queue', 'preprocess', 'inference', 'postprocess']) {
      expect(metricValue(text, 'gc_serve_stage_duration_seconds_count', { model: 'h2z', stage })).toBeGreaterThanOrEqual(1);
    }
    expect(metricValue(text, 'gc_serve_queue_depth', { model: 'h2z' })).toBe(0);
    expect(metricValue(text, 'gc_serve_model_load_seconds', { model: 'h2z' })).toBeGreaterThan(0);
    expect(metricValue(text, 'gc_serve_model_loads_total', { model: 'h2z', result: 'ok' })).toBe(1);
    expect(text).toMatch(/^gc_serve_process_resident_memory_bytes \d+/m);
  });

  it('has every model\'s failure counters at 0 before the first failure, so alerts have a series to read', async () => {
    const text = await (await fetch(`${srv.url}/metrics`, { headers: auth })).text();
    for (const model of ['h2z', 'half']) {
      expect(metricValue(text, 'gc_serve_worker_crashes_total', { model })).toBe(0);
      expect(metricValue(text, 'gc_serve_model_loads_total', { model, result: 'failed' })).toBe(0);
      expect(metricValue(text, 'gc_serve_inference_in_flight', { model })).toBe(0);
    }
  });
});
