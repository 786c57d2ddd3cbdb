/**
 * Tiny ONNX models and inline device profiles for the session, worker and image tests (device
 * profile JSON files arrive with the bench work; these are built in code so each test shows them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GraphBuilder, attr, encodeModel, type Dim } from '@gc-edge/core';
import type { DeviceProfile, ExecutionProviderSpec } from '../../src/devices/profile';
import { BASELINE_TORCH_EXPORT } from '../../../../test/support/fixtures';

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

/**
 * `output = reshape(input, [1, 48])` on input `['batch', 3, 'height', 'width']`: runs on 48 values
 * ([1,3,4,4]) and fails inside onnxruntime (a kernel error) on any other size.
 */
export function reshapeModel(metadata: Record<string, string> = {}): Uint8Array {
  const g = new GraphBuilder('reshape', 13);
  const x = g.input({ name: 'input', elemType: 'float32', shape: ['batch', 3, 'height', 'width'] });
  g.rename(g.node('Reshape', 'reshape', [x, g.int64('shape', [1, 48])]), 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [1, 48] });
  return encodeModel({ graph: g.finish(), opset: 13, producerName: 'gc-edge-test', producerVersion: '0', metadata });
}

/**
 * 3 -> `channels` conv, `layers` x (`channels` -> `channels` conv, one shared weight), -> 3 conv, on
 * input `['batch', 3, 'height', 'width']`, warmed up at 1x3x8x8 (its `macs_input_shape`): quick at
 * warm-up, seconds per run at 256x256 on one CPU thread. The time grows with height x width.
 */
export function slowDynamicModel(channels = 128, layers = 16): Uint8Array {
  const g = new GraphBuilder('slow_dynamic', 13);
  const dims: Dim[] = ['batch', 3, 'height', 'width'];
  let v = g.input({ name: 'input', elemType: 'float32', shape: dims });
  const weight = (name: string, cout: number, cin: number): string =>
    g.float(name, [cout, cin, 3, 3], new Float32Array(cout * cin * 9).fill(1 / (cin * 9)));
  const conv = (from: string, w: string, name: string): string =>
    g.node('Conv', name, [from, w], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) });
  v = conv(v, weight('first.weight', channels, 3), 'first');
  const mid = weight('mid.weight', channels, channels);
  for (let i = 0; i < layers; i++) v = conv(v, mid, `mid${i}`);
  g.rename(conv(v, weight('last.weight', 3, channels), 'last'), 'output');
  g.output({ name: 'output', elemType: 'float32', shape: dims });
  return encodeModel({
    graph: g.finish(),
    opset: 13,
    producerName: 'gc-edge-test',
    producerVersion: '0',
    metadata: { macs_input_shape: '1x3x8x8' },
  });
}

/** The reference for {@link tanhModel}, in float64 (compare with a float32 tolerance). */
export function tanhReference(scale: number, input: Float32Array): Float32Array {
  return input.map((v) => Math.tanh(v * scale));
}

export { maxAbsDiff } from '@gc-edge/core';

export const BASELINE_CYCLEGAN = BASELINE_TORCH_EXPORT;
