import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GcError } from '@gc-edge/exporter';
import { createSession } from '../../src/session/create-session';
import {
  CPU_ONLY,
  GPU_FIRST,
  gpuProvidersInstalled,
  maxAbsDiff,
  profile,
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
      message: expect.stringContaining('"directml". Should be one of: tensorrt, cuda, cpu'),
    });
  });

  it('fails with E_SESSION naming every attempt when the bytes are not a model', async () => {
    const err = await createSession(Buffer.from('not an onnx model'), GPU_FIRST, { name: 'junk.onnx' }).catch((e) => e);
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
        graphNodes: 3, // Mul, Tanh, Identity (rename to "output")
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
      // graphOptimizationLevel 'disabled' keeps the three graph nodes as three kernels.
      expect(p.byProvider).toEqual({ CPU: 3 });
      expect(p.nodes.map((n) => n.opType).sort()).toEqual(['Identity', 'Mul', 'Tanh']);
      expect(p.summary).toBe('3 nodes on CPU');
      expect(fs.readdirSync(dir)).toEqual([]);
      expect(await s.placement()).toBe(p);
    } finally {
      await s.release();
    }
  });

  it('needs feeds for a model with symbolic input dims', async () => {
    const s = await createSession(tanhModel(1, ['batch', 3, 'h', 'w']), CPU_ONLY, { profileDir: dir });
    try {
      await expect(s.placement()).rejects.toMatchObject({ code: 'E_SESSION', message: expect.stringContaining('symbolic shape [batch, 3, h, w]') });
      const p = await s.placement({ input: { data: new Float32Array(2 * 3 * 2 * 2), dims: [2, 3, 2, 2] } });
      expect(p.byProvider).toEqual({ CPU: 3 });
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
