/**
 * The WebGPU provider in the fallback chain: every machine checks that a failed WebGPU attempt is
 * recorded with its reason and the session goes on to CPU; the checks that need a WebGPU adapter
 * (a GPU's Vulkan driver) are skipped, with the reason onnxruntime gave, where there is none.
 */
import * as ort from 'onnxruntime-node';
import { compareTensors } from '@gc-edge/core';
import { createSession } from '../../src/session/create-session';
import { loadDeviceProfile } from '../../src/devices/load';
import { providerChains } from '../../src/session/providers';
import { profile, tanhModel } from '../support/session-fixtures';

/** Whether onnxruntime finds a WebGPU adapter here: a session on webgpu alone, or why not. */
async function probeWebGpu(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const s = await ort.InferenceSession.create(tanhModel(1), { executionProviders: ['webgpu'] });
    await s.release();
    return { ok: true };
  } catch (e) {
    const line = (e as Error).message.split('\n')[0]!;
    return { ok: false, reason: line.slice(Math.max(0, line.indexOf('Failed to get'))) };
  }
}

let adapter: { ok: true } | { ok: false; reason: string };

beforeAll(async () => {
  adapter = await probeWebGpu();
  if (!adapter.ok) console.warn(`skipping the WebGPU checks that need an adapter: ${adapter.reason}`);
});

const FEEDS = { input: { data: Float32Array.from({ length: 48 }, (_, i) => Math.sin(i)), dims: [1, 3, 4, 4] } };

describe('the webgpu execution provider', () => {
  it('records a failed webgpu attempt with its reason, then runs on cpu', async () => {
    // an option name the binding does not know fails the webgpu attempt on every machine
    const p = profile([{ name: 'webgpu', options: { notAnOption: 1 } }, { name: 'cpu' }], 'webgpu-bad-option');
    const s = await createSession(tanhModel(2), p, { profiling: false });
    try {
      expect(s.provider).toBe('cpu');
      expect(s.attempts.map((a) => [a.provider, a.ok])).toEqual([
        ['webgpu', false],
        ['cpu', true],
      ]);
      expect(s.attempts[0]!.error).toMatch(/WebGPU EP has an unrecognized option: 'notAnOption'/);
    } finally {
      await s.release();
    }
  });

  it('says why webgpu cannot load where there is no adapter (skipped where there is one)', async () => {
    if (adapter.ok) {
      console.warn('skipping the no-adapter reason check: this machine has a WebGPU adapter');
      return;
    }
    const s = await createSession(tanhModel(2), loadDeviceProfile('webgpu'), { profiling: false });
    try {
      expect(s.provider).toBe('cpu');
      expect(s.attempts[0]).toMatchObject({ provider: 'webgpu', ok: false });
      expect(s.attempts[0]!.error).toMatch(/^Failed to get a WebGPU adapter.*: WebGPU needs a GPU with a Vulkan driver/);
    } finally {
      await s.release();
    }
  });

  it('runs on webgpu with the same results as cpu and places nodes there (needs an adapter)', async () => {
    if (!adapter.ok) return; // reason printed in beforeAll
    const gpu = await createSession(tanhModel(2), loadDeviceProfile('webgpu'));
    const cpu = await createSession(tanhModel(2), loadDeviceProfile('cpu'), { profiling: false });
    try {
      expect(gpu.provider).toBe('webgpu');
      const a = (await gpu.run(FEEDS))['output']!;
      const b = (await cpu.run(FEEDS))['output']!;
      expect(compareTensors(a.data, b.data).maxAbs).toBeLessThan(1e-3);
      expect(Object.keys((await gpu.placement()).byProvider)).toContain('WebGPU');
    } finally {
      await gpu.release();
      await cpu.release();
    }
  });

  it('lists webgpu in the desktop-cuda chain after TensorRT and CUDA, before CPU', () => {
    expect(loadDeviceProfile('desktop-cuda').executionProviders.map((e) => e.name)).toEqual(['tensorrt', 'cuda', 'webgpu', 'cpu']);
  });

  it('keeps webgpu out of the TensorRT and CUDA attempts: a missing adapter would fail them too', async () => {
    const names = providerChains(loadDeviceProfile('desktop-cuda')).map((chain) => chain.map((s) => s.name));
    expect(names).toEqual([['tensorrt', 'cuda', 'cpu'], ['cuda', 'cpu'], ['webgpu', 'cpu'], ['cpu']]);
    // what the rule is for: onnxruntime fails a session listing a webgpu that cannot initialise, wherever it is listed
    const listed = ort.InferenceSession.create(tanhModel(1), { executionProviders: ['cpu', { name: 'webgpu', notAnOption: 1 } as never] });
    await expect(listed).rejects.toThrow(/WebGPU EP has an unrecognized option/);
  });

  it('says what a non-fp32 profile precision becomes on the provider that loaded', async () => {
    const p = { ...profile([{ name: 'cpu' }], 'fp16-cpu'), precision: 'fp16' as const };
    const s = await createSession(tanhModel(2), p, { profiling: false });
    try {
      const said = "the graph's own types (the profile asks fp16; the cpu provider has no precision switch: use an fp16 export)";
      expect(s.attempts[0]!.precision).toBe(said);
    } finally {
      await s.release();
    }
  });
});
