/** Model discovery and naming, and how worker threads share the cores. No workers started. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GcError } from '@gc-edge/exporter';
import { ServeMetrics } from '../../src/serve/metrics';
import { ModelRepository, isValidModelName, profileForWorkers } from '../../src/serve/repository';
import { CPU_PROFILE, tempDir } from './helpers';

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

  it('splits the cores between workers when the profile leaves threads to onnxruntime', () => {
    const auto = { ...CPU_PROFILE, threads: { intraOp: 0, interOp: 1 } };
    expect(profileForWorkers(auto, 1, 16)).toBe(auto);
    expect(profileForWorkers(auto, 4, 16).threads).toEqual({ intraOp: 4, interOp: 1 });
    expect(profileForWorkers(auto, 3, 2).threads).toEqual({ intraOp: 1, interOp: 1 });
    expect(profileForWorkers(CPU_PROFILE, 4, 16)).toBe(CPU_PROFILE); // explicit threads are kept
  });
});
