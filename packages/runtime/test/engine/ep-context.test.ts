/**
 * TensorRT engines as EPContext models: the wrapper's output structure (decoded back: one EPContext
 * node in com.microsoft, its attributes, the original inputs/outputs and contract, the engine facts in
 * the metadata), the mismatch rules, and the load-time fall-back to the ONNX model beside the engine
 * model with the reason recorded as the tensorrt attempt — on a real onnxruntime session.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeModel, decodeModelProto } from '@gc-edge/core';
import { createSession } from '../../src/session/create-session';
import { ENGINE_METADATA, engineFactsOf, type EngineFacts, wrapEngine } from '../../src/engine/ep-context';
import { engineMismatch, TENSORRT_VERSION_ENV, GPU_ARCH_ENV } from '../../src/engine/engine-check';
import { loadDeviceProfile } from '../../src/devices/load';
import { CPU_ONLY, GPU_FIRST, tanhModel } from '../support/session-fixtures';

const FACTS: EngineFacts = {
  file: 'tanh.fp16.engine',
  precision: 'fp16',
  tensorrtVersion: '8.5.2',
  hardwareArchitecture: '72',
  onnxModel: 'tanh.onnx',
};
const FEEDS = { input: { data: Float32Array.from({ length: 48 }, (_, i) => Math.cos(i)), dims: [1, 3, 4, 4] } };
const FP16_GPU = { ...GPU_FIRST, precision: 'fp16' as const };

let dir: string;
let onnx: Uint8Array;
let ctxFile: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-engine-'));
  onnx = tanhModel(2, [1, 3, 4, 4], { 'gc_edge.example': 'kept' });
  fs.writeFileSync(path.join(dir, 'tanh.onnx'), onnx);
  fs.writeFileSync(path.join(dir, FACTS.file), Buffer.from('not a real engine'));
  ctxFile = path.join(dir, 'tanh_ctx.onnx');
  fs.writeFileSync(ctxFile, wrapEngine(onnx, FACTS));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('wrapEngine', () => {
  it('writes one EPContext node (com.microsoft) over the original inputs and outputs, pointing at the engine file', () => {
    const m = decodeModel(fs.readFileSync(ctxFile));
    expect(m.graph.nodes).toHaveLength(1);
    const node = m.graph.nodes[0]!;
    expect(node).toMatchObject({ opType: 'EPContext', domain: 'com.microsoft', inputs: ['input'], outputs: ['output'] });
    const attrs = Object.fromEntries(Object.entries(node.attributes).map(([k, v]) => [k, v.value]));
    expect(attrs).toEqual({
      main_context: 1,
      embed_mode: 0,
      ep_cache_context: 'tanh.fp16.engine',
      hardware_architecture: '72',
      ep_sdk_version: '8.5.2',
      onnx_model_filename: 'tanh.onnx',
      partition_name: 'trt_engine',
      source: 'TensorrtExecutionProvider',
    });
    expect(m.graph.inputs).toEqual(decodeModel(onnx).graph.inputs);
    expect(m.graph.outputs).toEqual(decodeModel(onnx).graph.outputs);
    expect(m.graph.initializers.size).toBe(0);
    const imports = decodeModelProto(fs.readFileSync(ctxFile)).opsetImport.map((o) => [o.domain, Number(o.version)]);
    expect(imports).toEqual([['', 13], ['com.microsoft', 1]]);
  });

  it("records the engine's precision, TensorRT version, GPU and ONNX model in the metadata, beside the original's", () => {
    const m = decodeModel(fs.readFileSync(ctxFile));
    expect(m.metadata['gc_edge.example']).toBe('kept');
    expect(m.metadata[ENGINE_METADATA.precision]).toBe('fp16');
    expect(m.metadata[ENGINE_METADATA.tensorrtVersion]).toBe('8.5.2');
    expect(engineFactsOf(m.metadata)).toEqual(FACTS);
    expect(engineFactsOf(decodeModel(onnx).metadata)).toBeUndefined();
  });

  it('refuses an engine path onnxruntime would refuse (absolute, or climbing out with ..)', () => {
    expect(() => wrapEngine(onnx, { ...FACTS, file: '/tmp/x.engine' })).toThrow(/the engine file '\/tmp\/x.engine' must be a file name beside/);
    expect(() => wrapEngine(onnx, { ...FACTS, onnxModel: '../tanh.onnx' })).toThrow(/the ONNX model '..\/tanh.onnx'/);
  });
});

describe('engineMismatch', () => {
  it('says why an engine cannot run, and nothing when every known fact fits', () => {
    expect(engineMismatch(FACTS, CPU_ONLY, {})).toBe('the cpu-only profile has no TensorRT provider, and an engine runs on TensorRT only');
    expect(engineMismatch(FACTS, GPU_FIRST, {})).toBe('the engine is fp16 but the gpu-first profile asks fp32');
    expect(engineMismatch(FACTS, FP16_GPU, { tensorrtVersion: '10.3.0' })).toBe(
      'the engine was built with TensorRT 8.5.2, this machine has 10.3.0',
    );
    expect(engineMismatch(FACTS, FP16_GPU, { hardwareArchitecture: '87' })).toBe(
      'the engine was built for compute capability 72, this GPU has 87',
    );
    expect(engineMismatch(FACTS, FP16_GPU, { tensorrtVersion: '8.5.2.2', hardwareArchitecture: '72' })).toBeUndefined();
  });
});

describe('loading an engine model', () => {
  const saved = { trt: process.env[TENSORRT_VERSION_ENV], arch: process.env[GPU_ARCH_ENV] };
  afterEach(() => {
    for (const [k, v] of [[TENSORRT_VERSION_ENV, saved.trt], [GPU_ARCH_ENV, saved.arch]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  async function outputsOf(file: string, p = CPU_ONLY): Promise<Float32Array> {
    const s = await createSession(file, p, { profiling: false });
    try {
      return (await s.run(FEEDS))['output']!.data;
    } finally {
      await s.release();
    }
  }

  it('falls back to the ONNX model beside it on a profile without TensorRT, saying so', async () => {
    const s = await createSession(ctxFile, loadDeviceProfile('cpu'), { profiling: false });
    try {
      expect(s.provider).toBe('cpu');
      expect(s.attempts[0]).toEqual({
        provider: 'tensorrt',
        ok: false,
        error: 'engine tanh.fp16.engine: the cpu profile has no TensorRT provider, and an engine runs on TensorRT only; running tanh.onnx instead',
        forwarded: {},
      });
      expect(s.info.metadata['gc_edge.example']).toBe('kept');
      expect((await s.run(FEEDS))['output']!.data).toEqual(await outputsOf(path.join(dir, 'tanh.onnx')));
    } finally {
      await s.release();
    }
  });

  it('falls back on a TensorRT version mismatch, naming both versions', async () => {
    process.env[TENSORRT_VERSION_ENV] = '10.3.0';
    process.env[GPU_ARCH_ENV] = '72';
    const s = await createSession(ctxFile, FP16_GPU, { profiling: false });
    try {
      expect(s.attempts[0]!.error).toBe(
        'engine tanh.fp16.engine: the engine was built with TensorRT 8.5.2, this machine has 10.3.0; running tanh.onnx instead',
      );
      expect(s.attempts.at(-1)).toMatchObject({ provider: 'cpu', ok: true });
    } finally {
      await s.release();
    }
  });

  it('falls back when the facts fit but TensorRT cannot load the engine', async () => {
    process.env[TENSORRT_VERSION_ENV] = '8.5.2';
    process.env[GPU_ARCH_ENV] = '72';
    const s = await createSession(ctxFile, FP16_GPU, { profiling: false });
    try {
      expect(s.attempts[0]!.error).toMatch(/^engine tanh\.fp16\.engine: TensorRT could not load it \(.+\); running tanh\.onnx instead$/);
      expect(s.provider).not.toBe('tensorrt');
    } finally {
      await s.release();
    }
  });
});
