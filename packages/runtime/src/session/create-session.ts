/**
 * createSession: an onnxruntime-node session on the best execution provider a device profile lists
 * that actually loads, with the profile's threads and optimisation level, profiling for placement,
 * and the model's info. Runs on the calling thread (session creation and `run` block it): use it for
 * benchmarks and inside workers; serve through `startWorker`/`createPool`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { GcError } from '@gc-edge/exporter';
import type { DeviceProfile, ExecutionProviderName } from '../devices/profile';
import { describeModel } from './model-info';
import { parsePlacement } from './placement';
import { takeTrace } from './trace-files';
import { createWithFallback } from './providers';
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
    return fs.readFileSync(file);
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
  const profiling = options.profiling ?? true;
  const profilePrefix = path.join(
    options.profileDir ?? os.tmpdir(),
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
    logSeverityLevel: options.logSeverityLevel ?? 3,
    ...(profiling ? { enableProfiling: true, profileFilePrefix: profilePrefix } : {}),
  };
  const t0 = performance.now();
  // A path lets onnxruntime resolve external data next to the model; bytes are used otherwise.
  const created = await createWithFallback(model, profile, base, name);
  const { session, provider, attempts } = created;
  const loadMs = performance.now() - t0;
  const info = describeModel(session, bytes, name);
  return new Session(session, { name, provider, attempts, info, loadMs }, created.profilePrefix);
}

interface Described {
  readonly name: string;
  readonly provider: ExecutionProviderName;
  readonly attempts: readonly ProviderAttempt[];
  readonly info: ModelInfo;
  readonly loadMs: number;
}

class Session implements GcSession {
  readonly name: string;
  readonly provider: ExecutionProviderName;
  readonly attempts: readonly ProviderAttempt[];
  readonly info: ModelInfo;
  readonly loadMs: number;
  private ran = false;
  private placed: Placement | undefined;
  private released = false;

  constructor(
    private readonly ort: InferenceSession,
    d: Described,
    /** Set while profiling is on; cleared once the trace has been taken. */
    private profilePrefix: string | undefined,
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
      ortFeeds[input.name] = toOrtTensor(t, `${this.name}: input "${input.name}"`);
    }
    for (const k of Object.keys(feeds)) {
      if (!(k in ortFeeds)) throw new GcError('E_SESSION', `${this.name}: unknown input "${k}"; the model takes ${this.inputList()}`);
    }
    let result: InferenceSession.ReturnType;
    try {
      result = await this.ort.run(ortFeeds);
    } catch (e) {
      throw new GcError('E_SESSION', `${this.name}: inference failed: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
    this.ran = true;
    const out: Record<string, FloatTensor> = {};
    for (const [k, v] of Object.entries(result)) {
      const t = v as Tensor;
      if (t.type !== 'float32') {
        throw new GcError('E_SESSION', `${this.name}: output "${k}" is ${t.type}; gc-edge sessions return float32 outputs only`);
      }
      out[k] = { data: t.data as Float32Array, dims: [...t.dims] };
    }
    return out;
  }

  async placement(feeds?: TensorMap): Promise<Placement> {
    if (this.placed) return this.placed;
    if (!this.profilePrefix) {
      throw new GcError('E_SESSION', `${this.name}: placement needs profiling, and the session was created with profiling: false`);
    }
    if (!this.ran || feeds) await this.run(feeds ?? this.zeroFeeds());
    this.placed = parsePlacement(this.endProfiling(), `${this.name}: profiling trace`);
    return this.placed;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.profilePrefix) {
      try {
        this.endProfiling();
      } catch {
        // nothing traced (or the folder is gone): nothing to clean up
      }
    }
    await this.ort.release();
  }

  /** Ends profiling and returns (and deletes) the trace. */
  private endProfiling(): unknown {
    const prefix = this.profilePrefix!;
    this.profilePrefix = undefined;
    this.ort.endProfiling();
    return takeTrace(prefix, this.name);
  }

  private zeroFeeds(): TensorMap {
    const feeds: Record<string, FloatTensor> = {};
    for (const input of this.info.inputs) {
      if (input.shape.some((d) => typeof d !== 'number')) {
        throw new GcError(
          'E_SESSION',
          `${this.name}: placement needs one inference and input "${input.name}" has a symbolic shape [${input.shape.join(', ')}]`,
          { hint: 'pass feeds to placement() (or warmup feeds to the worker)' },
        );
      }
      const dims = input.shape as number[];
      feeds[input.name] = { data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims };
    }
    return feeds;
  }

  private inputList(): string {
    return this.info.inputs.map((i) => `"${i.name}" [${i.shape.join(', ')}]`).join(', ');
  }
}

function toOrtTensor(t: FloatTensor, where: string): Tensor {
  if (!(t.data instanceof Float32Array)) throw new GcError('E_SESSION', `${where}: data must be a Float32Array`);
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (n !== t.data.length) {
    throw new GcError('E_SESSION', `${where}: ${t.data.length} values but dims [${t.dims.join(', ')}] need ${n}`);
  }
  return new Tensor('float32', t.data, t.dims);
}
