/**
 * Tiny ONNX models and inline device profiles for the session, worker and image tests (device
 * profile JSON files arrive with the bench work; these are built in code so each test shows them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GraphBuilder, encodeModel, type Dim } from '@gc-edge/exporter';
import type { DeviceProfile, ExecutionProviderSpec } from '../../src/devices/profile';

export function profile(providers: readonly ExecutionProviderSpec[], id = 'test-profile'): DeviceProfile {
  return {
    id,
    name: id,
    architecture: 'x86_64',
    executionProviders: providers,
    threads: { intraOp: 1, interOp: 1 },
    precision: 'fp32',
    graphOptimizationLevel: 'disabled',
    setup: [],
  };
}

export const CPU_ONLY = profile([{ name: 'cpu' }], 'cpu-only');

/** What a Jetson / desktop-GPU profile lists: TensorRT, then CUDA, then CPU. */
export const GPU_FIRST = profile(
  [
    { name: 'tensorrt', options: { deviceId: 0, trt_fp16_enable: true, trt_engine_cache_enable: true } },
    { name: 'cuda', options: { deviceId: 0, cudnn_conv_algo_search: 'HEURISTIC' } },
    { name: 'cpu' },
  ],
  'gpu-first',
);

/** True when onnxruntime-node here has the CUDA/TensorRT provider libraries (then fallback differs). */
export function gpuProvidersInstalled(): boolean {
  const dir = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
  return fs.existsSync(path.join(dir, 'libonnxruntime_providers_shared.so'));
}

/**
 * `output = tanh(input * scale)` as two nodes (Mul, Tanh), with gc-export style metadata.
 * `shape` may be symbolic (`['batch', 3, 'height', 'width']`).
 */
export function tanhModel(scale: number, shape: readonly Dim[] = [1, 3, 4, 4], metadata: Record<string, string> = {}): Uint8Array {
  const g = new GraphBuilder('tanh_scale', 13);
  const x = g.input({ name: 'input', elemType: 'float32', shape });
  const s = g.float('scale', [], Float32Array.of(scale));
  const y = g.node('Tanh', 'tanh', [g.node('Mul', 'mul', [x, s])]);
  g.rename(y, 'output');
  g.output({ name: 'output', elemType: 'float32', shape });
  return encodeModel({
    graph: g.finish(),
    opset: 13,
    producerName: 'gc-edge-test',
    producerVersion: '0',
    metadata,
  });
}

/** The reference for {@link tanhModel}, in float64 (compare with a float32 tolerance). */
export function tanhReference(scale: number, input: Float32Array): Float32Array {
  return input.map((v) => Math.tanh(v * scale));
}

export { maxAbsDiff } from '@gc-edge/exporter';

export const BASELINE_CYCLEGAN = path.resolve(__dirname, '../../../../../shared/bench/cyclegan-compressed/baseline-torch-export.onnx');
