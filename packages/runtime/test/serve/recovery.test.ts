/**
 * gc-serve never says more than is true about a model's workers: a crashed worker's replacement
 * loads the model being served (not whatever file is on disk after a refused reload, or a newer one
 * not loaded yet); a replacement that cannot start leaves the model not ready, with the reason, in
 * health, metadata and metrics, and is retried until it starts; a reload asked during a reload loads
 * the file as it is after the ask; every alerting series exists at 0 on a fresh server.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InferencePool } from '../../src/worker/types';
import { createPool } from '../../src/worker/pool';
import { startWorker } from '../../src/worker/thread-handle';
import type { CreatePool } from '../../src/serve/repository';
import { type Running, errorOf, inferValues, metricValue, scaleModel, startServer, tempDir, writeModel } from './helpers';

let srv: Running | undefined;
let dir: string;
let cleanup: () => void;

beforeEach(() => ({ dir, cleanup } = tempDir()));

afterEach(async () => {
  await srv?.stop();
  srv = undefined;
  cleanup?.();
});

const load = (url: string, name: string): Promise<Response> => fetch(`${url}/v2/repository/models/${name}/load`, { method: 'POST' });

/** A v2 infer request whose worker crashes (the test hook); answered 500. */
async function crash(url: string, model: string): Promise<void> {
  const r = await inferValues(url, model, [1, 1, 1], { 'x-gc-test-crash': '1' });
  expect(r.status).toBe(500);
}

function once<K extends 'worker-replaced' | 'worker-replace-failed'>(pool: InferencePool, event: K): Promise<void> {
  return new Promise<void>((resolve) => {
    const on = (): void => {
      pool.off(event, on);
      resolve();
    };
    pool.on(event, on);
  });
}

describe('gc-serve worker replacement', () => {
  it('replaces a crashed worker from the model being served after a refused reload', async () => {
    writeModel(dir, 'm', scaleModel(0.5));
    srv = await startServer({ target: dir, workers: 1, testCrashHook: true });
    writeFileSync(join(dir, 'm.onnx'), 'not an onnx model');
    expect((await load(srv.url, 'm')).status).toBeGreaterThanOrEqual(400);

    const pool = srv.server.repository.get('m').pool!;
    const replaced = once(pool, 'worker-replaced');
    await crash(srv.url, 'm');
    await replaced;
    expect(await inferValues(srv.url, 'm', [2, 4, 6])).toEqual({ status: 200, data: [1, 2, 3] });
    expect(pool.health).toMatchObject({ live: 1, wanted: 1, failedInARow: 0 });
    expect((await fetch(`${srv.url}/v2/health/ready`)).status).toBe(200);
  });

  it('keeps one model in the pool when a newer file waits on disk unloaded', async () => {
    writeModel(dir, 'm', scaleModel(0.5));
    srv = await startServer({ target: dir, workers: 2, testCrashHook: true });
    writeModel(dir, 'm', scaleModel(2));

    const pool = srv.server.repository.get('m').pool!;
    const replaced = once(pool, 'worker-replaced');
    await crash(srv.url, 'm');
    await replaced;
    // Both workers busy at once: each answers with the model that was loaded.
    const answers = await Promise.all(Array.from({ length: 8 }, (_, k) => inferValues(srv!.url, 'm', [k, k, k])));
    expect(answers).toEqual(Array.from({ length: 8 }, (_, k) => ({ status: 200, data: [k / 2, k / 2, k / 2] })));
  });

  it('is not ready while no worker is live, says why everywhere, and retries until a replacement starts', async () => {
    writeModel(dir, 'm', scaleModel(0.5));
    let failing = false;
    const broken = new TextEncoder().encode('not an onnx model');
    // Real workers; while `failing`, a replacement is handed bytes that cannot load (as a device out of memory would fail it).
    const create: CreatePool = (source, profile, options) =>
      createPool(source, profile, options, (s, p, o) => startWorker(failing ? broken : s, p, o));
    const lines: string[] = [];
    srv = await startServer({ target: dir, workers: 1, testCrashHook: true, createPool: create, log: (l) => lines.push(l) });
    const pool = srv.server.repository.get('m').pool!;

    failing = true;
    const failed = once(pool, 'worker-replace-failed');
    await crash(srv.url, 'm');
    await failed;

    const ready = await fetch(`${srv.url}/v2/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).not.toBeNull();
    expect((await errorOf(ready)).message).toMatch(/^not ready: 'm' no live worker: 1 replacement\(s\) failed in a row \(.+\), next try in \d+ s$/);
    const modelReady = await fetch(`${srv.url}/v2/models/m/ready`);
    expect(modelReady.status).toBe(503);
    expect((await errorOf(modelReady)).code).toBe('E_NOT_READY');
    const meta = (await (await fetch(`${srv.url}/v2/models/m`)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({ ready: false, workers: 0, notReadyReason: expect.stringMatching(/^no live worker: 1 replacement/) });
    const infer = await fetch(`${srv.url}/v2/models/m/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [1, 1, 1] }] }),
    });
    expect(infer.status).toBe(503);
    expect(infer.headers.get('retry-after')).not.toBeNull();
    expect((await errorOf(infer)).code).toBe('E_NOT_READY');
    let text = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metricValue(text, 'gc_serve_workers', { model: 'm' })).toBe(0);
    expect(metricValue(text, 'gc_serve_model_ready', { model: 'm' })).toBe(0);
    expect(metricValue(text, 'gc_serve_worker_replace_failures_total', { model: 'm' })).toBeGreaterThanOrEqual(1);
    expect(lines).toContainEqual(expect.stringMatching(/^model 'm': could not replace worker \d+ \(0 of 1 live, not ready\): .*; retrying in 1000 ms$/));

    failing = false;
    await once(pool, 'worker-replaced');
    expect((await fetch(`${srv.url}/v2/health/ready`)).status).toBe(200);
    expect(await inferValues(srv.url, 'm', [2, 4, 6])).toEqual({ status: 200, data: [1, 2, 3] });
    text = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metricValue(text, 'gc_serve_workers', { model: 'm' })).toBe(1);
    expect(metricValue(text, 'gc_serve_model_ready', { model: 'm' })).toBe(1);
    expect(lines).toContainEqual(expect.stringMatching(/^model 'm': worker \d+ started after failed tries; ready again$/));
  });
});

describe('gc-serve reload during a reload', () => {
  it('loads the file as it is after a reload asked while another ran', async () => {
    writeModel(dir, 'm', scaleModel(0.5));
    // Holds the first reload inside the pool until the test lets it go.
    let entered!: () => void;
    const inReload = new Promise<void>((resolve) => (entered = resolve));
    let letGo!: () => void;
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    const create: CreatePool = async (source, profile, options) => {
      const pool = await createPool(source, profile, options);
      const reload = pool.reload.bind(pool);
      let first = true;
      pool.reload = async (s) => {
        if (first) {
          first = false;
          entered();
          await gate;
        }
        return reload(s);
      };
      return pool;
    };
    srv = await startServer({ target: dir, workers: 1, createPool: create });

    writeModel(dir, 'm', scaleModel(2));
    const firstLoad = load(srv.url, 'm');
    await inReload;
    writeModel(dir, 'm', scaleModel(3));
    const secondLoad = load(srv.url, 'm');
    const thirdLoad = load(srv.url, 'm');
    letGo();
    expect((await firstLoad).status).toBe(200);
    expect((await secondLoad).status).toBe(200);
    expect((await thirdLoad).status).toBe(200);
    expect(await inferValues(srv.url, 'm', [1, 2, 3])).toEqual({ status: 200, data: [3, 6, 9] });
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    // The start-up load, the held reload, and one more for the two asks that waited together.
    expect(metricValue(text, 'gc_serve_model_loads_total', { model: 'm', result: 'ok' })).toBe(3);
  });
});

describe('gc-serve metrics on a fresh server', () => {
  it('exports every series an alert reads at its value before the first event, with the model label', async () => {
    writeModel(dir, 'a', scaleModel(1));
    writeModel(dir, 'b', scaleModel(2));
    srv = await startServer({ target: dir, workers: 2 });
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    for (const model of ['a', 'b']) {
      expect(metricValue(text, 'gc_serve_worker_crashes_total', { model })).toBe(0);
      expect(metricValue(text, 'gc_serve_worker_replace_failures_total', { model })).toBe(0);
      expect(metricValue(text, 'gc_serve_model_loads_total', { model, result: 'failed' })).toBe(0);
      expect(metricValue(text, 'gc_serve_model_loads_total', { model, result: 'ok' })).toBe(1);
      expect(metricValue(text, 'gc_serve_queue_depth', { model })).toBe(0);
      expect(metricValue(text, 'gc_serve_inference_in_flight', { model })).toBe(0);
      expect(metricValue(text, 'gc_serve_workers', { model })).toBe(2);
      expect(metricValue(text, 'gc_serve_model_ready', { model })).toBe(1);
    }
    for (const route of ['/v1/models/:name/generate', '/v2/models/:name/infer']) {
      for (const status of ['200', '500', '503', '504']) {
        expect(metricValue(text, 'gc_serve_requests_total', { route, method: 'POST', status })).toBe(0);
      }
    }
  });
});
