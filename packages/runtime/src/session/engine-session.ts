/**
 * Sessions for engine models (a TensorRT engine wrapped as an EPContext model, ../engine): the
 * engine on TensorRT when the engine's facts fit the profile and this machine and TensorRT loads
 * it; otherwise the ONNX model it was built from, beside it, on the profile's whole chain — with the
 * reason recorded as the first (failed) tensorrt attempt, so placement reports and gc-bench say why.
 */
import * as path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { GcError, type Model, readRegularFile } from '@gc-edge/core';
import type { DeviceProfile } from '../devices/profile';
import { engineHost, engineMismatch, type EngineHost } from '../engine/engine-check';
import type { EngineFacts } from '../engine/ep-context';
import { readModelFacts } from './model-info';
import { createWithFallback, type FallbackResult } from './providers';
import type { ModelSource } from './types';

export interface EngineSession {
  readonly created: FallbackResult;
  /** The model that runs: the engine model's, or the fallback ONNX model's. */
  readonly facts: Model | undefined;
}

export async function createFromEngine(
  model: ModelSource,
  engineModel: Model,
  engine: EngineFacts,
  profile: DeviceProfile,
  base: InferenceSession.SessionOptions,
  name: string,
  host: EngineHost = engineHost(),
): Promise<EngineSession> {
  if (typeof model !== 'string') {
    throw new GcError('E_SESSION', `${name}: an engine model must be opened from its file`, {
      hint: 'the engine and the ONNX model to fall back to are found beside it',
    });
  }
  let reason = engineMismatch(engine, profile, host);
  if (reason === undefined) {
    const tensorrtOnly = { ...profile, executionProviders: profile.executionProviders.filter((e) => e.name === 'tensorrt') };
    try {
      const created = await createWithFallback(model, tensorrtOnly, base, name);
      // the engine fixes the precision, whatever the binding forwards
      const precision = `${engine.precision} (the prebuilt TensorRT engine ${engine.file})`;
      const attempts = created.attempts.map((a) => (a.ok ? { ...a, precision } : a));
      return { created: { ...created, attempts }, facts: engineModel };
    } catch (e) {
      reason = `TensorRT could not load it (${(e as Error).message})`;
    }
  }
  const onnx = path.join(path.dirname(model), engine.onnxModel);
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(onnx);
  } catch (e) {
    throw new GcError('E_SESSION', `${name}: engine ${engine.file} cannot run here (${reason}) and its ONNX model ${onnx} cannot be read`, {
      hint: 'keep the ONNX model the engine was built from beside the engine model (scripts/jetson-engine.sh writes both)',
      cause: e,
    });
  }
  const created = await createWithFallback(onnx, profile, base, name);
  const error = `engine ${engine.file}: ${reason}; running ${engine.onnxModel} instead`;
  const attempt = { provider: 'tensorrt' as const, ok: false, error, forwarded: {} };
  return { created: { ...created, attempts: [attempt, ...created.attempts] }, facts: readModelFacts(bytes, onnx) };
}
