/**
 * createSession: an onnxruntime-node session on the best execution provider a device profile lists
 * that actually loads, with the profile's threads and optimisation level, profiling for placement,
 * and the model's info. Runs on the calling thread (session creation and `run` block it): use it for
 * benchmarks and inside workers; serve through `startWorker`/`createPool`.
 *
 * Profiling covers the first run only: it ends (the trace read, parsed into the placement and
 * deleted) when `placement()` is asked, when the next run starts, or on release, whichever comes
 * first. A session never keeps profiling while it serves: onnxruntime buffers every event of every
 * run in memory until endProfiling, which would grow without bound.
 */
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { GcError, numel, ortLogLevel, readRegularFile } from '@gc-edge/core';
import type { DeviceProfile, ExecutionProviderName } from '../devices/profile';
import { feedTensor, outputData } from './float16-io';
import { describeModel, readModelFacts } from './model-info';
import { parsePlacement } from './placement';
import { acquireTraceDir, releaseTraceDir, takeTrace } from './trace-files';
import { type FallbackResult, createWithFallback } from './providers';
import { engineFactsOf } from '../engine/ep-context';
import { createFromEngine } from './engine-session';
import { warmupShapes, zeroFeeds } from './warmup-shape';
import type {
  CreateSessionOptions,
  FloatTensor,
  GcSession,
  ModelInfo,
  ModelSource,
  Placement,
  ProviderAttempt,
  TensorMap,
} from './types';

let profileCounter = 0;

function readModel(file: string, name: string): Uint8Array {
  try {
    return readRegularFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new GcError('E_SESSION', `${name}: cannot read the model (${code})`, {
      hint: 'pass the path of a .onnx file written by gc-export',
      cause: e,
    });
  }
}

/**
 * Creates a session for `model` on `profile`: execution providers in the profile's priority order,
 * falling back on creation failure (each attempt recorded in `attempts`), threads and graph
 * optimisation level from the profile. Throws E_DEVICE for a bad profile, E_SESSION when even CPU
 * cannot load the model. Only `deviceId` reaches CUDA/TensorRT through the stock binding.
 */
export async function createSession(
  model: ModelSource,
  profile: DeviceProfile,
  options: CreateSessionOptions = {},
): Promise<GcSession> {
  const name = options.name ?? (typeof model === 'string' ? model : '<bytes>');
  const bytes = typeof model === 'string' ? readModel(model, name) : model;
  let facts = readModelFacts(bytes, name);
  const engine = facts ? engineFactsOf(facts.metadata, name) : undefined;
  const profiling = options.profiling ?? true;
  const logSeverityLevel = options.logSeverityLevel ?? ortLogLevel().severity;
  // Traces go to the caller's folder, or this thread's temp folder (removed with its last user).
  const ownsDir = profiling && options.profileDir === undefined;
  const dir = ownsDir ? acquireTraceDir() : options.profileDir;
  const profilePrefix = path.join(
    dir ?? '.',
    `gc-edge-profile-${process.pid}-${threadId}-${++profileCounter}-${Math.random().toString(36).slice(2, 8)}`,
  );
  const base: InferenceSession.SessionOptions = {
    intraOpNumThreads: profile.threads.intraOp,
    interOpNumThreads: profile.threads.interOp,
    graphOptimizationLevel: profile.graphOptimizationLevel,
    executionMode: 'sequential',
    ...(profile.threads.spinning === false
      ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }
      : {}),
    logSeverityLevel,
    ...(profiling ? { enableProfiling: true, profileFilePrefix: profilePrefix } : {}),
  };
  const t0 = performance.now();
  let created: FallbackResult;
  try {
    // A path lets onnxruntime resolve external data next to the model; bytes are used otherwise.
    if (facts && engine) {
      // a TensorRT engine (EPContext model): the engine where it fits, else the ONNX model beside it
      ({ created, facts } = await createFromEngine(model, facts, engine, profile, base, name));
    } else created = await createWithFallback(model, profile, base, name);
  } catch (e) {
    if (ownsDir) releaseTraceDir();
    throw e;
  }
  const { session, provider, attempts } = created;
  const loadMs = performance.now() - t0;
  const info = describeModel(session, facts);
  const profiled = created.profilePrefix ? { prefix: created.profilePrefix, ownsDir } : undefined;
  return new Session(session, { name, provider, attempts, info, loadMs }, profiled);
}

interface Described {
  readonly name: string;
  readonly provider: ExecutionProviderName;
  readonly attempts: readonly ProviderAttempt[];
  readonly info: ModelInfo;
  readonly loadMs: number;
}

/** A session's profiling while it lasts: the trace prefix, and whether it holds a trace-folder user. */
interface Profiling {
  readonly prefix: string;
  readonly ownsDir: boolean;
}

class Session implements GcSession {
  readonly name: string;
  readonly provider: ExecutionProviderName;
  readonly attempts: readonly ProviderAttempt[];
  readonly info: ModelInfo;
  readonly loadMs: number;
  /** The profiled (first) run, once started; profiling ends when it has settled. */
  private profiledRun: Promise<unknown> | undefined;
  private profiledRunFailed: string | undefined;
  private placed: Placement | undefined;
  private placementError: GcError | undefined;
  private released = false;

  constructor(
    private readonly ort: InferenceSession,
    d: Described,
    /** Set while profiling is on; cleared once it has ended. */
    private profiling: Profiling | undefined,
  ) {
    this.name = d.name;
    this.provider = d.provider;
    this.attempts = d.attempts;
    this.info = d.info;
    this.loadMs = d.loadMs;
  }

  async run(feeds: TensorMap): Promise<TensorMap> {
    if (this.released) throw new GcError('E_SESSION', `${this.name}: the session was released`);
    const ortFeeds: Record<string, Tensor> = {};
    for (const input of this.info.inputs) {
      const t = feeds[input.name];
      if (!t) {
        throw new GcError('E_SESSION', `${this.name}: missing input "${input.name}"; the model takes ${this.inputList()}`);
      }
      ortFeeds[input.name] = toOrtTensor(t, `${this.name}: input "${input.name}"`, input.type);
    }
    for (const k of Object.keys(feeds)) {
      if (!(k in ortFeeds)) throw new GcError('E_SESSION', `${this.name}: unknown input "${k}"; the model takes ${this.inputList()}`);
    }
    // Profiling covers the first run only: the second one ends it before it starts.
    if (this.profiling && this.profiledRun) {
      await this.profiledRun;
      this.endProfiling();
    }
    const running = this.ort.run(ortFeeds);
    if (this.profiling && !this.profiledRun) {
      this.profiledRun = running.then(
        () => undefined,
        (e: unknown) => {
          this.profiledRunFailed = (e as Error).message.split('\n')[0];
        },
      );
    }
    let result: InferenceSession.ReturnType;
    try {
      result = await running;
    } catch (e) {
      throw new GcError('E_SESSION', `${this.name}: inference failed: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
    const out: Record<string, FloatTensor> = {};
    for (const [k, v] of Object.entries(result)) {
      const data = outputData(v);
      if (!data) {
        const what = `${this.name}: output "${k}" is ${v.type}`;
        throw new GcError('E_SESSION', `${what}; gc-edge sessions return float32 (or float16) outputs only`);
      }
      out[k] = { data, dims: [...v.dims] };
    }
    return out;
  }

  async placement(feeds?: TensorMap): Promise<Placement> {
    if (this.placed) return this.placed;
    if (this.placementError) throw this.placementError;
    if (!this.profiling) {
      throw new GcError('E_SESSION', `${this.name}: placement needs profiling, and the session was created with profiling: false`);
    }
    // No run yet: this one is profiled (a failure before onnxruntime ran anything keeps profiling on).
    if (!this.profiledRun) await this.run(feeds ?? zeroFeeds(warmupShapes(this.info)));
    await this.profiledRun;
    this.endProfiling();
    if (this.placed) return this.placed;
    throw this.placementError ?? new GcError('E_SESSION', `${this.name}: profiling ended without a placement`);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.profiledRun) await this.profiledRun;
    this.endProfiling();
    await this.ort.release();
  }

  /**
   * Ends profiling (once): the trace is read, parsed into the placement (or the reason there is
   * none) and deleted, and this session's use of the trace folder ends.
   */
  private endProfiling(): void {
    const p = this.profiling;
    if (!p) return;
    this.profiling = undefined;
    try {
      this.ort.endProfiling();
      const trace = takeTrace(p.prefix, this.name);
      if (this.profiledRunFailed !== undefined) {
        throw new GcError('E_SESSION', `${this.name}: no placement: the profiled (first) run failed: ${this.profiledRunFailed}`);
      }
      this.placed = parsePlacement(trace, `${this.name}: profiling trace`);
    } catch (e) {
      this.placementError =
        e instanceof GcError ? e : new GcError('E_SESSION', `${this.name}: no placement: ${(e as Error).message}`, { cause: e });
    } finally {
      if (p.ownsDir) releaseTraceDir();
    }
  }

  private inputList(): string {
    return this.info.inputs.map((i) => `"${i.name}" [${i.shape.join(', ')}]`).join(', ');
  }
}

function toOrtTensor(t: FloatTensor, where: string, type: string): Tensor {
  if (!(t.data instanceof Float32Array)) throw new GcError('E_SESSION', `${where}: data must be a Float32Array`);
  const n = numel(t.dims);
  if (n !== t.data.length) {
    throw new GcError('E_SESSION', `${where}: ${t.data.length} values but dims [${t.dims.join(', ')}] need ${n}`);
  }
  return feedTensor(t, type, where);
}
