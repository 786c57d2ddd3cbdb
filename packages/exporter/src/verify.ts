/**
 * --verify: run the exported bytes on onnxruntime-node (CPU, all graph optimisations) and the same
 * graph through the float64 reference interpreter on a seeded input; report the max abs error.
 */
import { GcError } from './errors';
import type { Model } from './onnx/graph';
import { seededRandom } from './random-init';
import { runReference } from './reference';

export const VERIFY_TOLERANCE = 1e-4;

export interface VerifyResult {
  readonly maxAbsError: number;
  readonly tolerance: number;
  readonly ok: boolean;
  readonly inputShape: readonly number[];
  readonly seed: number;
}

/** A seeded input: images in [-1, 1]; for label-map models a random one-hot map plus an edge channel. */
export function seededInput(model: Model, shape: readonly number[], seed: number): Float32Array {
  const rand = seededRandom(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  if (model.metadata['architecture'] === 'mobile_spade') {
    const [b, c, h, w] = shape as [number, number, number, number];
    const plane = h * w;
    const labels = c - 1;
    const block = 8;
    for (let bi = 0; bi < b; bi++) {
      for (let y = 0; y < h; y += block) {
        for (let x = 0; x < w; x += block) {
          const cls = Math.floor(rand() * labels);
          for (let yy = y; yy < Math.min(h, y + block); yy++) {
            for (let xx = x; xx < Math.min(w, x + block); xx++) data[(bi * c + cls) * plane + yy * w + xx] = 1;
          }
        }
      }
      for (let i = 0; i < plane; i++) data[(bi * c + labels) * plane + i] = rand() < 0.1 ? 1 : 0;
    }
    return data;
  }
  for (let i = 0; i < n; i++) data[i] = rand() * 2 - 1;
  return data;
}

export async function verifyModel(model: Model, bytes: Uint8Array, seed = 0): Promise<VerifyResult> {
  const input = model.graph.inputs[0]!;
  const shape = input.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : 256));
  const data = seededInput(model, shape, seed);

  // Loaded lazily: a plain export never pays for onnxruntime's native module.
  const ort = await import('onnxruntime-node');
  let actual: Float32Array;
  try {
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
    });
    const out = await session.run({ [input.name]: new ort.Tensor('float32', data, shape) });
    actual = out[model.graph.outputs[0]!.name]!.data as Float32Array;
    await session.release();
  } catch (e) {
    throw new GcError('E_VERIFY', `onnxruntime could not run the exported model: ${(e as Error).message}`, {
      hint: 'rerun with --debug and report it; the file was not written',
      cause: e,
    });
  }
  const ref = runReference(model.graph, { [input.name]: { dims: shape, data: Float64Array.from(data) } });
  const expected = ref[model.graph.outputs[0]!.name]!.data;
  if (expected.length !== actual.length) {
    throw new GcError('E_VERIFY', `onnxruntime produced ${actual.length} values, the reference ${expected.length}`);
  }
  let maxAbsError = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= maxAbsError)) maxAbsError = Number.isNaN(d) ? Infinity : d;
  }
  return { maxAbsError, tolerance: VERIFY_TOLERANCE, ok: maxAbsError <= VERIFY_TOLERANCE, inputShape: shape, seed };
}
