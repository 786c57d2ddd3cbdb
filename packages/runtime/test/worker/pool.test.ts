import { GcError } from '@gc-edge/core';
import { createPool } from '../../src/worker/pool';
import { startWorker } from '../../src/worker/thread-handle';
import type { InferencePool, WorkerCrash } from '../../src/worker/types';
import { CPU_ONLY, slowDynamicModel, tanhModel } from '../support/session-fixtures';

const feeds = (v: number) => ({ input: { data: new Float32Array(48).fill(v), dims: [1, 3, 4, 4] } });
const first = async (pool: InferencePool, v = 0.5): Promise<number> => (await pool.run(feeds(v))).outputs['output']!.data[0]!;
const image = (n: number) => ({ input: { data: new Float32Array(3 * n * n).fill(0.5), dims: [1, 3, n, n] } });
const once = <T>(pool: InferencePool, event: 'worker-crash' | 'worker-replaced' | 'worker-abandoned' | 'reloaded'): Promise<T> =>
  new Promise((resolve) => pool.on(event, resolve as never));

let pool: InferencePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('InferencePool', () => {
  it('serves concurrent requests across its workers, each with its own answer', async () => {
    pool = await createPool(tanhModel(1), CPU_ONLY, { size: 2, name: 'tanh' });
    expect(pool.size).toBe(2);
    const values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const results = await Promise.all(values.map((v) => first(pool!, v)));
    results.forEach((r, i) => expect(r).toBeCloseTo(Math.tanh(values[i]!), 6));
    expect(pool.queued).toBe(0);
    expect(pool.inFlight).toBe(0);
  });

  it('answers the request of a crashed worker with E_WORKER_CRASHED and replaces the worker', async () => {
    pool = await createPool(tanhModel(1), CPU_ONLY, { size: 1 });
    const crashed = once<WorkerCrash>(pool, 'worker-crash');
    const replaced = once<{ crashedId: number; workerId: number }>(pool, 'worker-replaced');
    pool.simulateCrash();
    await expect(pool.run(feeds(0.5))).rejects.toMatchObject({ code: 'E_WORKER_CRASHED' });
    const crash = await crashed;
    expect(crash.hadRequest).toBe(true);
    const { crashedId, workerId } = await replaced;
    expect(crashedId).toBe(crash.workerId);
    expect(workerId).not.toBe(crashedId);
    expect(pool.size).toBe(1);
    expect(await first(pool)).toBeCloseTo(Math.tanh(0.5), 6);
  });

  it('queues requests made while the only worker is being replaced, and serves them after', async () => {
    pool = await createPool(tanhModel(1), CPU_ONLY, { size: 1 });
    const replaced = once(pool, 'worker-replaced');
    pool.simulateCrash();
    const lost = pool.run(feeds(0.5)).catch((e: unknown) => e);
    const waiting = first(pool, 0.25);
    expect(((await lost) as GcError).code).toBe('E_WORKER_CRASHED');
    await replaced;
    expect(await waiting).toBeCloseTo(Math.tanh(0.25), 6);
  });

  it('swaps in a reloaded model once its workers are ready', async () => {
    pool = await createPool(tanhModel(1), CPU_ONLY, { size: 2 });
    const reloaded = once(pool, 'reloaded');
    const ready = await pool.reload(tanhModel(3, [1, 3, 4, 4], { config: 'new' }));
    await reloaded;
    expect(ready.info.config).toBe('new');
    expect(pool.model.info.config).toBe('new');
    expect(pool.size).toBe(2);
    expect(await first(pool)).toBeCloseTo(Math.tanh(1.5), 6);
  });

  it('keeps the old model serving when a reload fails', async () => {
    pool = await createPool(tanhModel(1), CPU_ONLY, { size: 1, name: 'tanh' });
    const before = pool.model;
    await expect(pool.reload(Buffer.from('not a model'))).rejects.toMatchObject({ code: 'E_SESSION' });
    expect(pool.model).toBe(before);
    expect(pool.size).toBe(1);
    expect(await first(pool)).toBeCloseTo(Math.tanh(0.5), 6);
  });

  it('finishes a request in flight on the old model while a reload swaps', async () => {
    pool = await createPool(tanhModel(1), CPU_ONLY, { size: 1 });
    const inFlight = first(pool, 0.5);
    const reload = pool.reload(tanhModel(2));
    expect(await inFlight).toBeCloseTo(Math.tanh(0.5), 6);
    await reload;
    expect(await first(pool, 0.5)).toBeCloseTo(Math.tanh(1), 6);
  });

  it('lets queued requests finish on close and refuses new ones', async () => {
    const p = await createPool(tanhModel(1), CPU_ONLY, { size: 1 });
    const runs = [0.1, 0.2, 0.3].map((v) => first(p, v));
    await p.close();
    expect(await Promise.all(runs)).toHaveLength(3);
    await expect(p.run(feeds(0.5))).rejects.toMatchObject({ code: 'E_WORKER_CLOSED' });
  });

  it('retires and replaces the worker of an aborted running request; the next request runs on the fresh worker', async () => {
    pool = await createPool(slowDynamicModel(), CPU_ONLY, { size: 1 });
    const abandoned = once<{ workerId: number; reason: string; exited: Promise<void> }>(pool, 'worker-abandoned');
    const replaced = once<{ crashedId: number; workerId: number }>(pool, 'worker-replaced');
    const controller = new AbortController();
    const slow = pool.run(image(128), { signal: controller.signal });
    expect(pool.inFlight).toBe(1);
    const next = pool.run(image(8));
    const reason = new GcError('E_DEADLINE', 'deadline passed');
    controller.abort(reason);
    await expect(slow).rejects.toBe(reason);
    const gone = await abandoned;
    expect(gone.reason).toBe('deadline passed');
    const r = await next;
    expect(r.outputs['output']!.dims).toEqual([1, 3, 8, 8]);
    expect(r.workerId).not.toBe(gone.workerId);
    expect(await replaced).toEqual({ crashedId: gone.workerId, workerId: r.workerId });
    expect(pool.size).toBe(1);
    await gone.exited;
    expect(pool.abandoned).toBe(0);
  });

  it('takes an aborted request that is still waiting off the queue and leaves the workers alone', async () => {
    pool = await createPool(slowDynamicModel(8, 2), CPU_ONLY, { size: 1 });
    const onAbandoned = jest.fn();
    pool.on('worker-abandoned', onAbandoned);
    const running = pool.run(image(64));
    const controller = new AbortController();
    const waiting = pool.run(image(8), { signal: controller.signal });
    expect(pool.queued).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'E_WORKER_CLOSED', message: 'inference pool: the request was aborted' });
    expect(pool.queued).toBe(0);
    expect((await running).outputs['output']!.dims).toEqual([1, 3, 64, 64]);
    expect(onAbandoned).not.toHaveBeenCalled();
  });

  it('on stop refuses what waits and resolves once the run in progress has returned and every thread has ended', async () => {
    const p = await createPool(slowDynamicModel(8, 2), CPU_ONLY, { size: 1 });
    const running = p.run(image(64));
    const waiting = expect(p.run(image(8))).rejects.toMatchObject({ code: 'E_SHUTTING_DOWN' });
    expect(p.queued).toBe(1);
    let ranOut = false;
    void running.then(() => (ranOut = true));
    await p.stop();
    // The run onnxruntime could not interrupt finished first; exiting the process now cannot abort it.
    expect(ranOut).toBe(true);
    expect((await running).outputs['output']!.dims).toEqual([1, 3, 64, 64]);
    await waiting;
    expect(p.size).toBe(0);
    await expect(p.run(image(8))).rejects.toMatchObject({ code: 'E_WORKER_CLOSED' });
  });

  it('retries a replacement that fails to start, refusing runs meanwhile with E_NOT_READY, and serves again once one starts', async () => {
    let failing = false;
    const broken = new TextEncoder().encode('not an onnx model');
    pool = await createPool(tanhModel(1), CPU_ONLY, { size: 1 }, (s, p, o) => startWorker(failing ? broken : s, p, o));
    failing = true;
    const failed = new Promise<{ retryInMs: number; live: number }>((resolve) => pool!.on('worker-replace-failed', resolve));
    const replaced = once(pool, 'worker-replaced');
    pool.simulateCrash();
    await expect(first(pool)).rejects.toMatchObject({ code: 'E_WORKER_CRASHED' });
    expect(await failed).toMatchObject({ retryInMs: 1000, live: 0 });
    expect(pool.health).toMatchObject({ live: 0, wanted: 1, starting: 0, failedInARow: 1, lastError: expect.any(String) });
    await expect(first(pool)).rejects.toMatchObject({ code: 'E_NOT_READY', message: expect.stringMatching(/next try in \d+ s$/) });
    failing = false;
    await replaced;
    expect(pool.health).toEqual({ live: 1, wanted: 1, starting: 0, failedInARow: 0 });
    expect(await first(pool, 0.5)).toBeCloseTo(Math.tanh(0.5), 6);
  });

  it('refuses a size that is not a positive integer', async () => {
    await expect(createPool(tanhModel(1), CPU_ONLY, { size: 0 })).rejects.toMatchObject({ code: 'E_ARGS' });
  });
});
