/**
 * Workers run the compiled script from packages/runtime/dist (`npm test` runs `tsc -b` first).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSession } from '../../src/session/create-session';
import { currentTraceDir } from '../../src/session/trace-files';
import { startWorker } from '../../src/worker/thread-handle';
import { workerScriptPath } from '../../src/worker/script-path';
import type { InferenceWorker, WorkerCrash } from '../../src/worker/types';
import {
  BASELINE_CYCLEGAN,
  CPU_ONLY,
  GPU_FIRST,
  gpuProvidersInstalled,
  maxAbsDiff,
  reshapeModel,
  tanhModel,
  tanhReference,
} from '../support/session-fixtures';

const input = (): Float32Array => Float32Array.from({ length: 48 }, (_, i) => Math.sin(i));
const workers: InferenceWorker[] = [];
function track(w: InferenceWorker): InferenceWorker {
  workers.push(w);
  return w;
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

describe('InferenceWorker', () => {
  it('keeps the main thread ticking while the worker runs a long inference', async () => {
    const w = track(startWorker(BASELINE_CYCLEGAN, CPU_ONLY, { warmup: false, profiling: false }));
    await w.ready;
    const ticks: number[] = [];
    let ticking = true;
    const tick = (): void => {
      ticks.push(performance.timeOrigin + performance.now());
      if (ticking) setTimeout(tick, 1);
    };
    tick();
    const windows: { from: number; to: number }[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const x = new Float32Array(3 * 256 * 256).fill(0.25);
        const r = await w.run({ input: { data: x, dims: [1, 3, 256, 256] } });
        expect(r.outputs['output']!.dims).toEqual([1, 3, 256, 256]);
        windows.push({ from: r.startedAt, to: r.startedAt + r.inferenceMs });
      }
    } finally {
      ticking = false;
    }
    // Each inference window (timed inside the worker) saw main-thread timers fire during it.
    const inside = windows.map(({ from, to }) => ticks.filter((t) => t > from && t < to).length);
    for (const n of inside) expect(n).toBeGreaterThan(0);
  });

  it('returns what the main-thread session returns, and moves the input buffer instead of copying it', async () => {
    const w = track(startWorker(tanhModel(0.7), CPU_ONLY));
    const x = input();
    const expected = tanhReference(0.7, x);
    const r = await w.run({ input: { data: x, dims: [1, 3, 4, 4] } });
    expect(x.length).toBe(0); // detached: transferred to the worker
    expect(r.outputs['output']!.dims).toEqual([1, 3, 4, 4]);
    expect(r.outputs['output']!.data).toBeInstanceOf(Float32Array);
    expect(maxAbsDiff(r.outputs['output']!.data, expected)).toBeLessThanOrEqual(1e-6);
    expect(r.queueMs).toBeGreaterThanOrEqual(0);
    expect(r.inferenceMs).toBeGreaterThan(0);

    const s = await createSession(tanhModel(0.7), CPU_ONLY, { profiling: false });
    const direct = await s.run({ input: { data: input(), dims: [1, 3, 4, 4] } });
    await s.release();
    expect(Array.from(r.outputs['output']!.data)).toEqual(Array.from(direct['output']!.data));
  });

  it('copies a view into a larger buffer rather than detaching the buffer the caller still uses', async () => {
    const w = track(startWorker(tanhModel(1), CPU_ONLY));
    const big = new Float32Array(100).fill(0.5);
    const view = big.subarray(10, 58);
    const r = await w.run({ input: { data: view, dims: [1, 3, 4, 4] } });
    expect(big.length).toBe(100);
    expect(view.length).toBe(48);
    expect(r.outputs['output']!.data[0]).toBeCloseTo(Math.tanh(0.5), 6);
  });

  it('reports the provider chosen, every attempt and the placement once ready', async () => {
    const w = track(startWorker(tanhModel(1), GPU_FIRST));
    const ready = await w.ready;
    expect(ready.attempts.at(-1)).toMatchObject({ ok: true });
    expect(ready.info.inputs[0]).toEqual({ name: 'input', type: 'float32', shape: [1, 3, 4, 4] });
    expect(ready.warmupMs).toBeGreaterThan(0);
    if (!gpuProvidersInstalled()) {
      expect(ready.provider).toBe('cpu');
      expect(ready.attempts.map((a) => a.ok)).toEqual([false, false, true]);
      expect(ready.placement?.summary).toBe('2 kernels on CPU after graph optimisation');
    }
  });

  describe('warm-up of a model with symbolic input dims', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-edge-warmup-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('warms up at its macs_input_shape, reports placement, and serves with profiling ended', async () => {
      const model = tanhModel(1, ['batch', 3, 'height', 'width'], { macs_input_shape: '1x3x8x8' });
      const w = track(startWorker(model, CPU_ONLY, { profileDir: dir }));
      const ready = await w.ready;
      expect(ready.warmupShapes).toEqual({ input: [1, 3, 8, 8] });
      expect(ready.warmupMs).toBeGreaterThan(0);
      expect(ready.placement?.summary).toBe('2 kernels on CPU after graph optimisation');
      // Profiling ended with the warm-up: its trace is read and gone, and serving adds none.
      expect(fs.readdirSync(dir)).toEqual([]);
      for (const n of [4, 16, 8, 32, 4, 12, 8, 16, 4, 20]) {
        const x = Float32Array.from({ length: 3 * n * n }, (_, i) => Math.sin(i));
        const expected = tanhReference(1, x);
        const r = await w.run({ input: { data: x, dims: [1, 3, n, n] } });
        expect(r.outputs['output']!.dims).toEqual([1, 3, n, n]);
        expect(maxAbsDiff(r.outputs['output']!.data, expected)).toBeLessThanOrEqual(1e-6);
      }
      expect(fs.readdirSync(dir)).toEqual([]);
    });

    it('warms up at batch 1 x 256 x 256 when the model carries no macs_input_shape', async () => {
      const w = track(startWorker(tanhModel(1, ['batch', 3, 'height', 'width']), CPU_ONLY, { profileDir: dir }));
      const ready = await w.ready;
      expect(ready.warmupShapes).toEqual({ input: [1, 3, 256, 256] });
      expect(ready.placement?.summary).toBe('2 kernels on CPU after graph optimisation');
    });

    it('fails the load when the warm-up fails, naming the shape it ran at', async () => {
      const w = track(startWorker(reshapeModel(), CPU_ONLY, { name: 'reshape', profileDir: dir }));
      await expect(w.ready).rejects.toMatchObject({
        code: 'E_SESSION',
        message: expect.stringMatching(/^reshape: warm-up at "input" \[1, 3, 256, 256\] failed: inference failed: /),
        hint: expect.stringContaining('macs_input_shape'),
      });
    });
  });

  it('traces into a folder of its own, removed when the thread ends, even by a crash', async () => {
    expect(currentTraceDir()).toBeUndefined();
    const w = track(startWorker(tanhModel(1), CPU_ONLY));
    const folder = currentTraceDir()!;
    expect(fs.readdirSync(folder)).toEqual([expect.stringMatching(new RegExp(`^worker-${w.id}-`))]);
    await w.ready;
    const crashed = new Promise((resolve) => w.on('crash', resolve));
    w.simulateCrash('now');
    await crashed;
    expect(fs.existsSync(folder)).toBe(false);
    expect(currentTraceDir()).toBeUndefined();
  });

  it('says which worker ran a request', async () => {
    const w = track(startWorker(tanhModel(1), CPU_ONLY));
    expect((await w.run({ input: { data: input(), dims: [1, 3, 4, 4] } })).workerId).toBe(w.id);
  });

  it('rejects the in-flight request with E_WORKER_CRASHED and emits crash when the thread dies', async () => {
    const w = track(startWorker(tanhModel(1), CPU_ONLY));
    await w.ready;
    const crashes: WorkerCrash[] = [];
    w.on('crash', (c) => crashes.push(c));
    w.simulateCrash('next-run');
    await expect(w.run({ input: { data: input(), dims: [1, 3, 4, 4] } })).rejects.toMatchObject({
      code: 'E_WORKER_CRASHED',
      message: expect.stringContaining(`worker ${w.id}: the inference thread died (exit code 70) during this request`),
    });
    expect(crashes).toEqual([{ workerId: w.id, reason: 'exit code 70', hadRequest: true }]);
    await expect(w.run({ input: { data: input(), dims: [1, 3, 4, 4] } })).rejects.toMatchObject({ code: 'E_WORKER_CLOSED' });
  });

  it('emits crash without a lost request when an idle thread dies', async () => {
    const w = track(startWorker(tanhModel(1), CPU_ONLY));
    await w.ready;
    const crashed = new Promise<WorkerCrash>((resolve) => w.on('crash', resolve));
    w.simulateCrash('now');
    expect(await crashed).toMatchObject({ workerId: w.id, hadRequest: false });
  });

  it('rejects ready with the session error when the model cannot load, and emits no crash', async () => {
    const w = track(startWorker(Buffer.from('garbage'), CPU_ONLY, { name: 'garbage.onnx' }));
    const onCrash = jest.fn();
    w.on('crash', onCrash);
    await expect(w.ready).rejects.toMatchObject({ code: 'E_SESSION', message: expect.stringMatching(/^garbage\.onnx: /) });
    await expect(w.run({ input: { data: input(), dims: [1, 3, 4, 4] } })).rejects.toMatchObject({ code: 'E_WORKER_CLOSED' });
    expect(onCrash).not.toHaveBeenCalled();
  });

  it('answers session errors per request and keeps serving', async () => {
    const w = track(startWorker(tanhModel(1), CPU_ONLY, { name: 'tiny' }));
    await expect(w.run({ input: { data: new Float32Array(5), dims: [1, 3, 4, 4] } })).rejects.toMatchObject({
      code: 'E_SESSION',
      message: 'tiny: input "input": 5 values but dims [1, 3, 4, 4] need 48',
    });
    const ok = await w.run({ input: { data: input(), dims: [1, 3, 4, 4] } });
    expect(ok.outputs['output']!.dims).toEqual([1, 3, 4, 4]);
  });

  it('lets queued requests finish on close, then refuses new ones', async () => {
    const w = track(startWorker(tanhModel(1), CPU_ONLY));
    const runs = [1, 2, 3].map(() => w.run({ input: { data: input(), dims: [1, 3, 4, 4] } }));
    expect(w.pending).toBe(3);
    await w.close();
    const results = await Promise.all(runs);
    expect(results).toHaveLength(3);
    await expect(w.run({ input: { data: input(), dims: [1, 3, 4, 4] } })).rejects.toMatchObject({ code: 'E_WORKER_CLOSED' });
  });
});

describe('worker script', () => {
  it('resolves to the compiled script in dist', () => {
    expect(workerScriptPath()).toMatch(/packages\/runtime\/dist\/worker\/thread-script\.js$/);
  });

  it('says to build when dist is missing', () => {
    const unbuilt = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-edge-unbuilt-'));
    try {
      expect(() => workerScriptPath(unbuilt)).toThrow(
        expect.objectContaining({
          code: 'E_WORKER_SCRIPT',
          message: `worker script ${unbuilt}/dist/worker/thread-script.js is missing (the runtime package is not built)`,
          hint: expect.stringContaining('npx tsc -b'),
        }),
      );
    } finally {
      fs.rmSync(unbuilt, { recursive: true, force: true });
    }
  });
});
