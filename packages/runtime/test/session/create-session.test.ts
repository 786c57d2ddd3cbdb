import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GcError } from '@gc-edge/core';
import { createSession } from '../../src/session/create-session';
import { currentTraceDir } from '../../src/session/trace-files';
import {
  CPU_ONLY,
  GPU_FIRST,
  gpuProvidersInstalled,
  maxAbsDiff,
  profile,
  reshapeModel,
  tanhModel,
  tanhReference,
} from '../support/session-fixtures';

const TOL = 1e-6;

describe('createSession: execution providers', () => {
  (gpuProvidersInstalled() ? it.skip : it)(
    'falls back from tensorrt and cuda to cpu on a machine without their libraries, recording why',
    async () => {
      const s = await createSession(tanhModel(1), GPU_FIRST, { profiling: false });
      try {
        expect(s.provider).toBe('cpu');
        expect(s.attempts.map((a) => [a.provider, a.ok])).toEqual([
          ['tensorrt', false],
          ['cuda', false],
          ['cpu', true],
        ]);
        expect(s.attempts[0]!.error).toMatch(/TensorRT.*shared library/i);
        expect(s.attempts[1]!.error).toMatch(/Cuda.*shared library/i);
        expect(s.attempts[2]!.error).toBeUndefined();
      } finally {
        await s.release();
      }
    },
  );

  it('records that only deviceId reaches cuda/tensorrt in the stock binding', async () => {
    const s = await createSession(tanhModel(1), GPU_FIRST, { profiling: false });
    try {
      const forwarded = Object.fromEntries(s.attempts.map((a) => [a.provider, a.forwarded]));
      expect(forwarded).toEqual({ tensorrt: { deviceId: 0 }, cuda: { deviceId: 0 }, cpu: {} });
    } finally {
      await s.release();
    }
  });

  it('makes a single cpu attempt for a cpu-only profile', async () => {
    const s = await createSession(tanhModel(1), CPU_ONLY, { profiling: false });
    expect(s.attempts).toEqual([{ provider: 'cpu', ok: true, forwarded: {} }]);
    await s.release();
  });

  it('still ends on cpu when the profile forgets to list it', async () => {
    const s = await createSession(tanhModel(1), profile([{ name: 'cuda' }]), { profiling: false });
    expect(s.attempts.at(-1)).toMatchObject({ provider: 'cpu', ok: true });
    await s.release();
  });

  it('rejects an unknown provider by listing the valid ones', async () => {
    const bad = profile([{ name: 'directml' as never }]);
    await expect(createSession(tanhModel(1), bad)).rejects.toMatchObject({
      code: 'E_DEVICE',
      message: expect.stringContaining('"directml". Should be one of: tensorrt, cuda, webgpu, cpu'),
    });
  });

  it('fails with E_SESSION naming every attempt when the bytes are not a model', async () => {
    const err = (await createSession(Buffer.from('not an onnx model'), GPU_FIRST, { name: 'junk.onnx' }).catch(
      (e: unknown) => e,
    )) as GcError;
    expect(err).toBeInstanceOf(GcError);
    expect(err.code).toBe('E_SESSION');
    expect(err.message).toMatch(/^junk\.onnx: onnxruntime cannot load the model on device gpu-first \(tensorrt: .*; cpu: /);
  });

  it('says which file is missing', async () => {
    await expect(createSession('/nonexistent/model.onnx', CPU_ONLY)).rejects.toMatchObject({
      code: 'E_SESSION',
      message: '/nonexistent/model.onnx: cannot read the model (ENOENT)',
    });
  });
});

describe('createSession: model info and run', () => {
  it('reports inputs, outputs and the gc-export metadata', async () => {
    const bytes = tanhModel(2, ['batch', 3, 'height', 'width'], {
      architecture: 'mobile_resnet_9blocks',
      config: '8_8_16_8_16_16_8_8',
      macs: '123456',
      params: '789',
    });
    const s = await createSession(bytes, CPU_ONLY, { profiling: false });
    try {
      expect(s.name).toBe('<bytes>');
      expect(s.info.inputs).toEqual([{ name: 'input', type: 'float32', shape: ['batch', 3, 'height', 'width'] }]);
      expect(s.info.outputs).toEqual([{ name: 'output', type: 'float32', shape: ['batch', 3, 'height', 'width'] }]);
      expect(s.info).toMatchObject({
        architecture: 'mobile_resnet_9blocks',
        config: '8_8_16_8_16_16_8_8',
        macs: 123456,
        params: 789,
        opset: 13,
        graphNodes: 2, // Mul, Tanh (the Tanh writes "output" itself)
      });
    } finally {
      await s.release();
    }
  });

  it('runs float32 inputs and returns float32 outputs with their dims', async () => {
    const s = await createSession(tanhModel(0.5), CPU_ONLY, { profiling: false });
    try {
      const x = Float32Array.from({ length: 48 }, (_, i) => i / 10 - 2);
      const out = await s.run({ input: { data: x, dims: [1, 3, 4, 4] } });
      expect(out['output']!.dims).toEqual([1, 3, 4, 4]);
      expect(maxAbsDiff(out['output']!.data, tanhReference(0.5, x))).toBeLessThanOrEqual(TOL);
    } finally {
      await s.release();
    }
  });

  it('names the expected inputs when a feed is missing, unknown or mis-sized', async () => {
    const s = await createSession(tanhModel(1), CPU_ONLY, { profiling: false, name: 'tiny' });
    try {
      const data = new Float32Array(48);
      await expect(s.run({})).rejects.toThrow('tiny: missing input "input"; the model takes "input" [1, 3, 4, 4]');
      await expect(s.run({ input: { data, dims: [1, 3, 4, 4] }, extra: { data, dims: [48] } })).rejects.toThrow(
        'tiny: unknown input "extra"',
      );
      await expect(s.run({ input: { data, dims: [1, 3, 4, 5] } })).rejects.toThrow(
        'tiny: input "input": 48 values but dims [1, 3, 4, 5] need 60',
      );
    } finally {
      await s.release();
    }
  });
});

describe('createSession: placement', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-edge-placement-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('counts the nodes each provider ran, from the profiling trace, and deletes the trace', async () => {
    const s = await createSession(tanhModel(1), CPU_ONLY, { profileDir: dir });
    try {
      const p = await s.placement();
      // graphOptimizationLevel 'disabled' keeps the two graph nodes as two kernels.
      expect(p.byProvider).toEqual({ CPU: 2 });
      expect(p.nodes.map((n) => n.opType).sort()).toEqual(['Mul', 'Tanh']);
      expect(p.summary).toBe('2 kernels on CPU after graph optimisation');
      expect(fs.readdirSync(dir)).toEqual([]);
      expect(await s.placement()).toBe(p);
    } finally {
      await s.release();
    }
  });

  it('profiles a model with symbolic input dims at its warm-up shape when given no feeds', async () => {
    const s = await createSession(tanhModel(1, ['batch', 3, 'h', 'w'], { macs_input_shape: '1x3x8x8' }), CPU_ONLY, { profileDir: dir });
    try {
      const p = await s.placement();
      expect(p.byProvider).toEqual({ CPU: 2 });
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      await s.release();
    }
  });

  it('profiles the first run only: the second run ends profiling and placement needs no further run', async () => {
    const s = await createSession(tanhModel(1, ['batch', 3, 'h', 'w']), CPU_ONLY, { profileDir: dir });
    try {
      const x = (n: number) => ({ input: { data: new Float32Array(3 * n * n), dims: [1, 3, n, n] } });
      await s.run(x(2));
      expect(fs.readdirSync(dir)).toHaveLength(1); // onnxruntime's trace, open while profiling
      await s.run(x(3));
      expect(fs.readdirSync(dir)).toEqual([]); // ended (read and deleted) before the second run
      for (let i = 0; i < 20; i++) await s.run(x(4));
      expect(fs.readdirSync(dir)).toEqual([]);
      expect((await s.placement()).byProvider).toEqual({ CPU: 2 });
    } finally {
      await s.release();
    }
  });

  it('reports no placement, rather than a wrong one, when the profiled run failed', async () => {
    const s = await createSession(reshapeModel(), CPU_ONLY, { profileDir: dir, name: 'reshape' });
    try {
      await expect(s.run({ input: { data: new Float32Array(12), dims: [1, 3, 2, 2] } })).rejects.toMatchObject({ code: 'E_SESSION' });
      await s.run({ input: { data: new Float32Array(48), dims: [1, 3, 4, 4] } });
      await expect(s.placement()).rejects.toMatchObject({
        code: 'E_SESSION',
        message: expect.stringMatching(/^reshape: no placement: the profiled \(first\) run failed: /),
      });
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      await s.release();
    }
  });

  it('refuses placement when profiling is off', async () => {
    const s = await createSession(tanhModel(1), CPU_ONLY, { profiling: false });
    await expect(s.placement()).rejects.toMatchObject({ code: 'E_SESSION', message: expect.stringContaining('profiling: false') });
    await s.release();
  });

  it('leaves no trace file behind when released without asking for placement', async () => {
    const s = await createSession(tanhModel(1), CPU_ONLY, { profileDir: dir });
    await s.run({ input: { data: new Float32Array(48), dims: [1, 3, 4, 4] } });
    await s.release();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('createSession: trace folder', () => {
  const looseTraces = (): string[] => fs.readdirSync(os.tmpdir()).filter((f) => /^gc-edge-profile-.*\.json$/.test(f));

  it('traces into a temp folder of its own, removed once the last profiling session is done', async () => {
    const loose = looseTraces();
    const a = await createSession(tanhModel(1), CPU_ONLY);
    const b = await createSession(tanhModel(2), CPU_ONLY);
    const folder = currentTraceDir()!;
    expect(path.dirname(folder)).toBe(os.tmpdir());
    expect(path.basename(folder)).toMatch(/^gc-edge-profile-/);
    expect(fs.readdirSync(folder)).toHaveLength(2);
    await a.placement();
    expect(fs.readdirSync(folder)).toHaveLength(1); // a's trace parsed and deleted
    await b.release(); // never ran: its trace is deleted all the same
    expect(fs.existsSync(folder)).toBe(false);
    expect(currentTraceDir()).toBeUndefined();
    await a.release();
    expect(looseTraces()).toEqual(loose);
  });

  it('removes the folder when the model fails to load', async () => {
    await expect(createSession(Buffer.from('not an onnx model'), CPU_ONLY)).rejects.toMatchObject({ code: 'E_SESSION' });
    expect(currentTraceDir()).toBeUndefined();
  });

  it('makes no folder for a session without profiling', async () => {
    const s = await createSession(tanhModel(1), CPU_ONLY, { profiling: false });
    expect(currentTraceDir()).toBeUndefined();
    await s.release();
  });
});
