/**
 * A worker that dies mid-request: its request is answered 500 E_WORKER_CRASHED (not lost), the
 * worker is replaced and the daemon keeps serving. The crash is the test-only hook
 * (`x-gc-test-crash: 1`, honoured only with ServeOptions.testCrashHook, which the CLI sets only when
 * NODE_ENV=test and GC_SERVE_TEST_CRASH=1). A worker still running a request whose deadline passed
 * is retired and replaced the same way, so it does not hold up the requests after it.
 */
import { slowDynamicModel } from '../support/session-fixtures';
import { type Running, errorOf, halfModel, inferValues, metricValue, startServer, tempDir, writeModel } from './helpers';

/** POSTs a v2 infer request of a [batch,3,8,8] tensor of 0.5s to model 'slow'. */
function inferSlow(url: string, batch: number, headers: Record<string, string> = {}): Promise<Response> {
  const body = { inputs: [{ name: 'input', datatype: 'FP32', shape: [batch, 3, 8, 8], data: new Array(batch * 3 * 8 * 8).fill(0.5) }] };
  return fetch(`${url}/v2/models/slow/infer`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('gc-serve worker crash', () => {
  let srv: Running | undefined;
  let cleanup: () => void;
  let target: string;
  let slowDir: string;

  beforeAll(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    target = writeModel(t.dir, 'half', halfModel());
    slowDir = t.dir;
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

  it('answers 504 when the deadline passes mid-inference, and serves the next request on a fresh worker without waiting', async () => {
    const lines: string[] = [];
    // Warmed up at 1x3x8x8 (quick); a batch of 1024 such images takes seconds on one CPU thread,
    // each image well within the model's pixel cap.
    srv = await startServer({ target: writeModel(slowDir, 'slow', slowDynamicModel()), workers: 1, log: (l) => lines.push(l) });
    const pool = srv.server.repository.get('slow').pool!;
    const abandoned = new Promise<{ workerId: number; exited: Promise<void> }>((resolve) => pool.on('worker-abandoned', resolve));

    const slow = await inferSlow(srv.url, 1024, { 'x-gc-timeout-ms': '500' });
    expect(slow.status).toBe(504);
    expect(await errorOf(slow)).toEqual({
      code: 'E_DEADLINE',
      message: "model 'slow': request deadline passed while the model was running",
    });
    const gone = await abandoned;

    const next = await inferSlow(srv.url, 1);
    expect(next.status).toBe(200);
    // The expired inference is still running on the retired worker: the next one did not wait for it.
    expect(pool.abandoned).toBe(1);
    expect(pool.size).toBe(1);
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^model 'slow': worker ${gone.workerId} retired, its request timed out mid-inference`)),
    );
    await gone.exited;
    expect(pool.abandoned).toBe(0);
  });

  it('ignores the crash header unless the hook is on', async () => {
    srv = await startServer({ target, workers: 1 });
    expect(await inferValues(srv.url, 'half', [2, 2, 2], { 'x-gc-test-crash': '1' })).toEqual({ status: 200, data: [1, 1, 1] });
  });
});
