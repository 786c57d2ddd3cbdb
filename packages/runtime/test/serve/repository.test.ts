/**
 * Model discovery and naming, how worker threads share the cores, and the per-model pixel cap every
 * route passes through. No workers started.
 */
import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GcError } from '@gc-edge/core';
import type { ServeContext } from '../../src/serve/context';
import { ServeMetrics } from '../../src/serve/metrics';
import { ModelRepository, isValidModelName, profileForWorkers } from '../../src/serve/repository';
import { runModel } from '../../src/serve/run-model';
import type { TensorMap } from '../../src/session/types';
import type { InferencePool, RunResult, WorkerReady } from '../../src/worker/types';
import { CPU_PROFILE, tempDir } from './helpers';

/** A pool that answers every run with its feeds, recording them; the model has symbolic dims. */
function echoPool(runs: TensorMap[]): InferencePool {
  const model: WorkerReady = {
    name: 'm',
    provider: 'cpu',
    attempts: [],
    loadMs: 1,
    info: {
      inputs: [{ name: 'input', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
      outputs: [{ name: 'output', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
      metadata: { macs_input_shape: '1x3x8x8' },
    },
    warmupShapes: { input: [1, 3, 8, 8] },
  };
  const pool = Object.assign(new EventEmitter(), {
    model,
    size: 1,
    health: { live: 1, wanted: 1, starting: 0, failedInARow: 0 },
    async run(feeds: TensorMap): Promise<RunResult> {
      runs.push(feeds);
      return { outputs: { output: feeds['input']! }, queueMs: 0, inferenceMs: 0, startedAt: 0, workerId: 1 };
    },
    async close(): Promise<void> {},
  });
  return pool as unknown as InferencePool;
}

const image = (n: number, batch = 1): TensorMap => ({ input: { data: new Float32Array(batch * 3 * n * n), dims: [batch, 3, n, n] } });

function repo(target: string, log: (l: string) => void = () => undefined): ModelRepository {
  return new ModelRepository({
    target,
    profile: CPU_PROFILE,
    workers: 1,
    queueSize: 1,
    maxBatch: 1,
    maxDelayMs: 0,
    createPool: () => Promise.reject(new Error('not in this test')),
    metrics: new ServeMetrics(false),
    log,
  });
}

describe('model repository', () => {
  it.each(['h2z', 'horse2zebra_v2.1', 'A-b'])('accepts the name %s', (name) => expect(isValidModelName(name)).toBe(true));
  it.each(['', '..', '../x', 'a/b', '.hidden', 'a..b', 'x\u0000', 'é', 'a b', 'x'.repeat(129)])('refuses the name %j', (name) =>
    expect(isValidModelName(name)).toBe(false),
  );

  it('serves every .onnx of a folder under its file name and skips unusable names', () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const f of ['b.onnx', 'a.onnx', 'notes.txt', 'bad name.onnx']) writeFileSync(join(dir, f), '');
      const lines: string[] = [];
      expect(repo(dir, (l) => lines.push(l)).names).toEqual(['a', 'b']);
      expect(lines).toEqual([expect.stringMatching(/skipping 'bad name.onnx'/)]);
    } finally {
      cleanup();
    }
  });

  it('refuses a missing path, a folder without models and a file that is not .onnx', () => {
    const { dir, cleanup } = tempDir();
    try {
      const code = (f: () => unknown): string => {
        try {
          f();
          return 'none';
        } catch (e) {
          return e instanceof GcError ? e.code : String(e);
        }
      };
      expect(code(() => repo(join(dir, 'missing.onnx')))).toBe('E_MODEL_NOT_FOUND');
      expect(code(() => repo(dir))).toBe('E_MODEL_NOT_FOUND');
      writeFileSync(join(dir, 'm.pt'), '');
      expect(code(() => repo(join(dir, 'm.pt')))).toBe('E_ARGS');
    } finally {
      cleanup();
    }
  });

  it('refuses an image over the model pixel cap before it is queued, whichever route sends it', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'm.onnx'), '');
      const runs: TensorMap[] = [];
      const metrics = new ServeMetrics(false);
      const r = new ModelRepository({
        target: join(dir, 'm.onnx'),
        profile: CPU_PROFILE,
        workers: 1,
        queueSize: 4,
        maxBatch: 1,
        maxDelayMs: 0,
        // 4x the 8x8 the model was exported at, as the daemon's --max-model-pixels rule derives it.
        pixelCap: (info) => (info.metadata['macs_input_shape'] === '1x3x8x8' ? 4 * 8 * 8 : undefined),
        createPool: async () => echoPool(runs),
        metrics,
        log: () => undefined,
      });
      const slot = r.get('m');
      await slot.load();
      expect(slot.maxInputPixels).toBe(256);
      const ctx = { metrics } as unknown as ServeContext;
      const far = Date.now() + 60_000;
      await expect(runModel(ctx, slot, image(17), far)).rejects.toMatchObject({
        code: 'E_IMAGE_TOO_LARGE',
        message: "model 'm': input 'input' [1,3,17,17] is 17x17 (width x height) = 289 pixels; the model takes at most 256",
        hint: expect.stringContaining('it was warmed up at [1,3,8,8]'),
      });
      expect(runs).toEqual([]);
      expect((await runModel(ctx, slot, image(16), far)).outputs['output']!.dims).toEqual([1, 3, 16, 16]);
      expect(runs).toHaveLength(1);
      await r.close();
    } finally {
      cleanup();
    }
  });

  it('splits the cores between workers when the profile leaves threads to onnxruntime', () => {
    const auto = { ...CPU_PROFILE, threads: { intraOp: 0, interOp: 1 } };
    expect(profileForWorkers(auto, 1, 16)).toBe(auto);
    expect(profileForWorkers(auto, 4, 16).threads).toEqual({ intraOp: 4, interOp: 1 });
    expect(profileForWorkers(auto, 3, 2).threads).toEqual({ intraOp: 1, interOp: 1 });
    expect(profileForWorkers(CPU_PROFILE, 4, 16)).toBe(CPU_PROFILE); // explicit threads are kept
  });

  it('keeps every core per worker when pool threads do not spin', () => {
    const sleepy = { ...CPU_PROFILE, threads: { intraOp: 0, interOp: 1, spinning: false } };
    expect(profileForWorkers(sleepy, 2, 2)).toBe(sleepy);
  });
});
