/**
 * A worker that dies mid-request: its request is answered 500 E_WORKER_CRASHED (not lost), the
 * worker is replaced and the daemon keeps serving. The crash is the test-only hook
 * (`x-gc-test-crash: 1`, honoured only with ServeOptions.testCrashHook, which the CLI sets only when
 * NODE_ENV=test and GC_SERVE_TEST_CRASH=1).
 */
import { type Running, errorOf, halfModel, inferValues, metricValue, startServer, tempDir, writeModel } from './helpers';

describe('gc-serve worker crash', () => {
  let srv: Running | undefined;
  let cleanup: () => void;
  let target: string;

  beforeAll(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    target = writeModel(t.dir, 'half', halfModel());
  });

  afterEach(async () => {
    await srv?.stop();
    srv = undefined;
  });

  afterAll(() => cleanup?.());

  it('answers the crashed request 500, replaces the worker and keeps serving', async () => {
    srv = await startServer({ target, workers: 1, testCrashHook: true });
    const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [1, 2, 3] }] });
    const r = await fetch(`${srv.url}/v2/models/half/infer`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-gc-test-crash': '1' },
    });
    expect(r.status).toBe(500);
    expect((await errorOf(r)).code).toBe('E_WORKER_CRASHED');

    const after = await Promise.all([1, 2, 3].map((k) => inferValues(srv!.url, 'half', [k, k, k])));
    expect(after).toEqual([1, 2, 3].map((k) => ({ status: 200, data: [k / 2, k / 2, k / 2] })));

    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metricValue(metrics, 'gc_serve_worker_crashes_total', { model: 'half' })).toBe(1);
    expect(metricValue(metrics, 'gc_serve_requests_total', { route: '/v2/models/:name/infer', status: '500' })).toBe(1);
    expect(srv.server.repository.get('half').pool!.size).toBe(1);
  });

  it('ignores the crash header unless the hook is on', async () => {
    srv = await startServer({ target, workers: 1 });
    expect(await inferValues(srv.url, 'half', [2, 2, 2], { 'x-gc-test-crash': '1' })).toEqual({ status: 200, data: [1, 1, 1] });
  });
});
