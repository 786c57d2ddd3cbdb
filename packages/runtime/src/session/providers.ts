/**
 * The one table from device-profile execution providers to onnxruntime-node's, and the fallback
 * loop: try the profile's providers in priority order, each attempt keeping the lower-priority ones
 * behind it (so nodes TensorRT cannot take go to CUDA before CPU), record why an attempt failed,
 * and end on CPU, which onnxruntime always has.
 */
import { env, InferenceSession } from 'onnxruntime-node';
import { GcError, ortLogLevel } from '@gc-edge/core';
import type { DeviceProfile, ExecutionProviderName, ExecutionProviderSpec } from '../devices/profile';
import { removeTraces } from './trace-files';
import type { ProviderAttempt } from './types';

type OrtProviderConfig = InferenceSession.ExecutionProviderConfig;

/** Per provider: onnxruntime's EP name, its trace name, and what the stock binding forwards. */
const PROVIDERS: Readonly<
  Record<ExecutionProviderName, { ort: string; short: string; forwards: readonly string[] }>
> = {
  tensorrt: { ort: 'tensorrt', short: 'TensorRT', forwards: ['deviceId'] },
  cuda: { ort: 'cuda', short: 'CUDA', forwards: ['deviceId'] },
  // onnxruntime-node 1.30 bundles WebGPU (Dawn) on linux/x64 and macOS; its binding reads these and
  // refuses any other option name. It needs a GPU's Vulkan (Metal on macOS) driver at session creation.
  webgpu: {
    ort: 'webgpu',
    short: 'WebGPU',
    forwards: [
      'deviceId',
      'preferredLayout',
      'validationMode',
      'storageBufferCacheMode',
      'uniformBufferCacheMode',
      'queryResolveBufferCacheMode',
      'defaultBufferCacheMode',
      'enableRobustness',
    ],
  },
  cpu: { ort: 'cpu', short: 'CPU', forwards: [] },
};

/** Short provider name for an onnxruntime trace name: `TensorrtExecutionProvider` -> `TensorRT`. */
export function shortProviderName(ortName: string): string {
  const base = ortName.replace(/ExecutionProvider$/, '');
  for (const p of Object.values(PROVIDERS)) if (p.short.toLowerCase() === base.toLowerCase()) return p.short;
  return base || ortName;
}

/** Validates one profile entry; unknown names are listed against the valid ones. */
function checkSpec(spec: ExecutionProviderSpec, where: string): void {
  if (!Object.prototype.hasOwnProperty.call(PROVIDERS, spec.name)) {
    throw new GcError(
      'E_DEVICE',
      `${where}: unknown execution provider "${String(spec.name)}". Should be one of: ${Object.keys(PROVIDERS).join(', ')}`,
    );
  }
}

/**
 * The onnxruntime EP config for a profile entry. Every option in the profile is passed through (a
 * binding that forwards them uses them); the stock binding reads only `deviceId` for cuda/tensorrt.
 */
function toOrtProvider(spec: ExecutionProviderSpec): OrtProviderConfig {
  const entry = PROVIDERS[spec.name];
  if (spec.name === 'cpu') return entry.ort;
  return { ...(spec.options ?? {}), name: entry.ort };
}

/** The options of `spec` the stock binding actually forwards (`{deviceId}` or `{}`). */
function forwardedOptions(spec: ExecutionProviderSpec): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const key of PROVIDERS[spec.name].forwards) {
    const v = spec.options?.[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * What a profile's precision becomes on a provider, said when it is not fp32: the stock binding
 * forwards no precision switch (TensorRT's trt_fp16_enable / trt_int8_enable), and the other providers
 * compute in the graph's own types, so the model file decides (gc-export --precision, or a TensorRT
 * engine built with trtexec --fp16 and wrapped as an EPContext model: scripts/jetson-engine.sh).
 */
export function appliedPrecision(profile: DeviceProfile, spec: ExecutionProviderSpec): string | undefined {
  if (profile.precision === 'fp32') return undefined;
  const asked = `the profile asks ${profile.precision}`;
  if (spec.name === 'tensorrt') {
    const key = profile.precision === 'fp16' ? 'trt_fp16_enable' : 'trt_int8_enable';
    if (PROVIDERS.tensorrt.forwards.includes(key)) return profile.precision;
    const why = `the stock onnxruntime-node binding does not forward ${key}: use an fp16 export or a prebuilt engine`;
    return `the graph's own types (${asked}, but ${why})`;
  }
  return `the graph's own types (${asked}; the ${spec.name} provider has no precision switch: use an fp16 export)`;
}

/**
 * The provider chain each attempt uses: attempt i = providers[i..] (+ cpu if not listed), where
 * WebGPU joins a chain only as its head: onnxruntime fails the whole session when any listed provider
 * fails to initialise, so a machine without a WebGPU adapter would otherwise sink the TensorRT and
 * CUDA attempts before it (and CUDA and WebGPU would share one GPU through two APIs).
 */
export function providerChains(profile: DeviceProfile): ExecutionProviderSpec[][] {
  const where = `device profile ${profile.id}`;
  profile.executionProviders.forEach((s) => checkSpec(s, where));
  const list = [...profile.executionProviders];
  if (!list.some((s) => s.name === 'cpu')) list.push({ name: 'cpu' });
  const cpuAt = list.findIndex((s) => s.name === 'cpu');
  // Nothing after cpu can ever be tried: cpu always loads.
  const tried = list.slice(0, cpuAt + 1);
  return tried.map((_, i) => tried.slice(i).filter((s, j) => j === 0 || s.name !== 'webgpu'));
}

export interface FallbackResult {
  readonly session: InferenceSession;
  readonly provider: ExecutionProviderName;
  readonly attempts: readonly ProviderAttempt[];
  /** The profiling trace prefix of the session created (each attempt gets its own); when profiling. */
  readonly profilePrefix?: string;
}

/** First line of an onnxruntime error, without its log prefix. */
function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = (msg.split('\n').find((l) => l.trim() !== '') ?? msg).trim();
  if (/Failed to get a WebGPU adapter/i.test(line)) {
    const why = line.slice(line.indexOf('Failed to get a WebGPU adapter'));
    return `${why}: WebGPU needs a GPU with a Vulkan driver (Metal on macOS); software Vulkan (lavapipe) lacks a feature Dawn requires`;
  }
  if (!/failed to load shared library/i.test(line)) return line;
  const install = 'x64: ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci; Jetson: an onnxruntime build with GPU providers, see devices/README.md';
  return `${line}: the provider's libraries are not installed (${install})`;
}

/**
 * Creates the session with the first provider chain that loads. A failure on the last (cpu) chain
 * is the model's fault, not the device's, and is thrown as E_SESSION with every attempt listed.
 */
export async function createWithFallback(
  model: string | Uint8Array,
  profile: DeviceProfile,
  base: InferenceSession.SessionOptions,
  name: string,
): Promise<FallbackResult> {
  quietOrtLogger();
  const attempts: ProviderAttempt[] = [];
  for (const chain of providerChains(profile)) {
    const head = chain[0]!;
    // Each attempt traces to its own file: a failed attempt's file is removed, the live one kept.
    const profilePrefix = base.enableProfiling ? `${base.profileFilePrefix}-${head.name}` : undefined;
    try {
      const options: InferenceSession.SessionOptions = {
        ...base,
        ...(profilePrefix ? { profileFilePrefix: profilePrefix } : {}),
        executionProviders: chain.map(toOrtProvider),
      };
      const session =
        typeof model === 'string'
          ? await InferenceSession.create(model, options)
          : await InferenceSession.create(model, options);
      const precision = appliedPrecision(profile, head);
      attempts.push({ provider: head.name, ok: true, forwarded: forwardedOptions(head), ...(precision ? { precision } : {}) });
      return profilePrefix ? { session, provider: head.name, attempts, profilePrefix } : { session, provider: head.name, attempts };
    } catch (e) {
      if (profilePrefix) removeTraces(profilePrefix);
      attempts.push({ provider: head.name, ok: false, error: oneLine(e), forwarded: forwardedOptions(head) });
    }
  }
  const tried = attempts.map((a) => `${a.provider}: ${a.error}`).join('; ');
  throw new GcError('E_SESSION', `${name}: onnxruntime cannot load the model on device ${profile.id} (${tried})`, {
    hint: 'check that the file is an ONNX model onnxruntime accepts (opset, operators); gc-export writes such models',
  });
}

/** onnxruntime's log levels, least to most severe; the index is its `logSeverityLevel` (0..4). */
/**
 * onnxruntime's process-wide logger prints every failed provider load (a CUDA/TensorRT library that
 * is not installed) as red lines on stderr, though the fallback records each reason in `attempts`.
 * Keep it to {@link ortLogLevel}. It takes effect when the first session of the process is created.
 */
function quietOrtLogger(): void {
  env.logLevel = ortLogLevel().level;
}
