/**
 * Dynamic batching on a model exported with a symbolic batch dimension: concurrent requests share
 * one run and each gets its own rows back.
 */
import { type Running, halfModel, inferValues, metricValue, startServer, tempDir, writeModel } from './helpers';

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
    const two = fetch(`${srv.url}/v2/models/half/infer`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
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
});
