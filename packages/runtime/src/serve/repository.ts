/**
 * The models a daemon serves: found from a file or a folder of `.onnx` files (name = file name
 * without `.onnx`), each with its worker pool and its scheduler. Loads, reloads (a failed reload
 * keeps the old model serving; a reload asked during one runs after it), lookups that never touch
 * the file system for a request's name. A load reads the file once and the pool keeps those bytes,
 * so a crashed worker's replacement loads the model being served, whatever the file holds now.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { GcError, readFailureReason, readRegularFile } from '@gc-edge/core';
import type { DeviceProfile } from '../devices/profile';
import type { ModelInfo, ModelSource, TensorMap } from '../session/types';
import type { Answer, AnswerSpec } from '../worker/answer';
import type { InferencePool, PoolOptions, RunResult, WorkerReady } from '../worker/types';
import { batchKey, concatFeeds, hasDynamicBatch, splitOutputs } from './batch';
import type { ServeMetrics } from './metrics';
import { clientMessage, publicError } from './redact';
import { Scheduler } from './scheduler';

/** Model names: what a URL segment may hold. Anything else (`..`, `/`, `%00`) is simply unknown. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isValidModelName(name: string): boolean {
  return NAME.test(name) && !name.includes('..');
}

/** One request's work for the scheduler. */
interface InferenceJob {
  readonly feeds: TensorMap;
  /** The image the worker makes of this request's output (worker/answer.ts); none: floats back. */
  readonly answer?: AnswerSpec;
  /** Test-only (ServeOptions.testCrashHook): crash the worker that runs this request. */
  readonly crash?: boolean;
}

/** One request's share of a run: its outputs (none when its answer was made) and its answer. */
interface JobResult extends Omit<RunResult, 'answers'> {
  readonly answer?: Answer;
}

export type CreatePool = (source: ModelSource, profile: DeviceProfile, options: PoolOptions) => Promise<InferencePool>;

interface RepositoryOptions {
  /** A `.onnx` file or a folder of them. */
  readonly target: string;
  readonly profile: DeviceProfile;
  readonly workers: number;
  readonly queueSize: number;
  /** > 1 turns on dynamic batching for models with a symbolic batch dimension. */
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  /**
   * The largest height x width (pixels) of one image in a request to a model (rank-4 NCHW inputs),
   * or undefined for no cap. Beyond it a request is refused with E_IMAGE_TOO_LARGE (413) before it
   * is queued, whatever route it came by (run-model.ts): the routes check earlier, this is where
   * none can be bypassed. The daemon passes its --max-model-pixels rule.
   */
  readonly pixelCap?: (info: ModelInfo) => number | undefined;
  readonly createPool: CreatePool;
  readonly metrics: ServeMetrics;
  readonly log: (line: string) => void;
}

/** `unloaded`: by request (POST /v2/repository/models/{name}/unload), until a load brings it back. */
type ModelState = 'loading' | 'ready' | 'failed' | 'unloaded';

/** One served model: its pool (once loaded) and the queue in front of it. */
export class ModelSlot {
  state: ModelState = 'loading';
  pool: InferencePool | undefined;
  scheduler: Scheduler<InferenceJob, JobResult> | undefined;
  /** Why the last load or reload failed (kept for /v2/models/{name}). */
  lastError: GcError | undefined;
  loadMs: number | undefined;
  private loading: Promise<WorkerReady> | undefined;
  /** While an unload lets the old pool's requests finish and ends its workers. */
  private unloading: Promise<void> | undefined;
  /** The load asked while one was running: it starts once that one ends (later asks join it). */
  private next: Promise<WorkerReady> | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    readonly path: string,
    private readonly opts: RepositoryOptions,
  ) {
    opts.metrics.zeroModel(name, () => ({ ready: this.ready, live: this.pool?.health.live ?? 0 }));
  }

  /** Loaded, and at least one worker live to answer. */
  get ready(): boolean {
    return this.state === 'ready' && this.pool !== undefined && this.pool.health.live > 0;
  }

  /** Why the model cannot answer now (loading, its load error, no live worker); undefined when ready. */
  get notReadyReason(): string | undefined {
    if (this.state === 'unloaded') return 'unloaded';
    if (this.state === 'failed') return `failed to load: ${this.publicError?.message ?? 'unknown error'}`;
    if (this.state === 'loading' || !this.pool) return 'still loading';
    const h = this.pool.health;
    if (h.live > 0) return undefined;
    if (h.failedInARow === 0) return `no live worker: ${h.starting} starting`;
    const next = h.retryAt !== undefined ? `, next try in ${Math.max(0, Math.ceil((h.retryAt - Date.now()) / 1000))} s` : '';
    const why = clientMessage(h.lastError ?? 'unknown error', [this.path]);
    return `no live worker: ${h.failedInARow} replacement(s) failed in a row (${why})${next}`;
  }

  get model(): WorkerReady | undefined {
    return this.pool?.model;
  }

  /**
   * The model and its queue, or E_NOT_READY saying why (loading, the load error, no live worker and
   * none starting). Requests wait while a crashed worker's replacement loads.
   */
  requireReady(): { model: WorkerReady; scheduler: Scheduler<InferenceJob, JobResult> } {
    if (this.state === 'unloaded') {
      throw new GcError('E_MODEL_UNLOADED', `model '${this.name}' is unloaded (POST /v2/repository/models/${this.name}/unload)`, {
        hint: `POST /v2/repository/models/${this.name}/load serves it again`,
      });
    }
    const h = this.pool?.health;
    const canAnswer = h !== undefined && (h.live > 0 || h.starting > 0);
    if (this.state === 'ready' && this.pool && this.scheduler && canAnswer) return { model: this.pool.model, scheduler: this.scheduler };
    const why = this.notReadyReason ?? 'no live worker';
    throw new GcError('E_NOT_READY', `model '${this.name}' is not ready: ${why}`, {
      hint: this.state === 'failed' ? `fix the model file and POST /v2/repository/models/${this.name}/load` : 'retry once warm-up is done',
    });
  }

  /** {@link lastError} as clients may read it: no absolute paths, no C++ frames (redact.ts); the log has it whole. */
  get publicError(): { code: string; message: string } | undefined {
    return this.lastError ? publicError(this.lastError, [this.path]) : undefined;
  }

  /** The pixel cap of this model (RepositoryOptions.pixelCap); undefined when none or not loaded. */
  get maxInputPixels(): number | undefined {
    const model = this.pool?.model;
    return model && this.opts.pixelCap ? this.opts.pixelCap(model.info) : undefined;
  }

  /**
   * Refuses feeds over {@link maxInputPixels} with E_IMAGE_TOO_LARGE (-> 413), naming the input,
   * its dims and the cap, and the warm-up shape (the size the model was made for) in the hint.
   */
  checkInputSize(feeds: TensorMap): void {
    const cap = this.maxInputPixels;
    if (cap === undefined) return;
    for (const [name, t] of Object.entries(feeds)) {
      if (t.dims.length !== 4) continue;
      const [height, width] = [t.dims[2]!, t.dims[3]!];
      if (height * width <= cap) continue;
      const warm = this.pool?.model.warmupShapes?.[name];
      throw new GcError(
        'E_IMAGE_TOO_LARGE',
        `model '${this.name}': input '${name}' [${t.dims.join(',')}] is ${width}x${height} (width x height) = ${height * width} pixels; the model takes at most ${cap}`,
        {
          hint: `${warm ? `it was warmed up at [${warm.join(',')}]; ` : ''}send a smaller image, or start gc-serve with a larger --max-model-pixels`,
        },
      );
    }
  }

  /**
   * Loads the model, or reloads it from its file. Asked while a load runs, it loads once more after
   * that one (the file as it is after this ask); asks that wait together share that one load.
   */
  load(): Promise<WorkerReady> {
    if (this.next) return this.next;
    if (this.loading) {
      const next = this.loading.then(noop, noop).then(() => {
        if (this.next === next) this.next = undefined;
        return this.begin();
      });
      this.next = next;
      return next;
    }
    return this.begin();
  }

  private begin(): Promise<WorkerReady> {
    const loading = this.doLoad().finally(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    this.loading = loading;
    return loading;
  }

  private async doLoad(): Promise<WorkerReady> {
    if (this.unloading) await this.unloading;
    if (this.state === 'unloaded') this.state = 'loading';
    const { metrics, log } = this.opts;
    const started = Date.now();
    const reload = this.pool !== undefined;
    try {
      // The bytes, not the path, go to the pool: its crash replacements start from them.
      const bytes = readModelBytes(this.path, this.name);
      let ready: WorkerReady;
      if (this.pool) {
        ready = await this.pool.reload(bytes);
      } else {
        const pool = await this.opts.createPool(bytes, profileForWorkers(this.opts.profile, this.opts.workers), {
          name: this.name,
          size: this.opts.workers,
          warmup: true,
        });
        if (this.closed) {
          await pool.close();
          throw new GcError('E_SHUTTING_DOWN', `model '${this.name}' loaded after shutdown began; discarded`);
        }
        this.attach(pool);
        ready = pool.model;
      }
      this.loadMs = Date.now() - started;
      this.state = 'ready';
      this.lastError = undefined;
      metrics.loadSeconds.set({ model: this.name }, this.loadMs / 1000);
      metrics.reloads.inc({ model: this.name, result: 'ok' });
      const where = ready.placement ? ready.placement.summary : ready.provider;
      log(`model '${this.name}' ${reload ? 'reloaded' : 'ready'} in ${this.loadMs} ms on ${ready.provider} (${where})`);
      return ready;
    } catch (e) {
      const err = asLoadError(e, this.name, this.path);
      this.lastError = err;
      if (!this.pool) this.state = 'failed';
      metrics.reloads.inc({ model: this.name, result: 'failed' });
      log(
        `model '${this.name}' ${reload ? 'reload failed, the previous version keeps serving' : 'failed to load'}: [${err.code}] ${err.message}`,
      );
      throw err;
    }
  }

  private attach(pool: InferencePool): void {
    this.pool = pool;
    const { metrics } = this.opts;
    const batchable = this.opts.maxBatch > 1 && hasDynamicBatch(pool.model.info.inputs, pool.model.info.outputs);
    this.scheduler = new Scheduler<InferenceJob, JobResult>({
      label: `model '${this.name}'`,
      capacity: this.opts.queueSize,
      concurrency: Math.max(1, pool.size),
      maxBatch: batchable ? this.opts.maxBatch : 1,
      maxDelayMs: batchable ? this.opts.maxDelayMs : 0,
      onDepth: (n) => metrics.queueDepth.set({ model: this.name }, n),
      sizeOf: (job) => Object.values(job.feeds)[0]?.dims[0] ?? 1,
      // Only requests of the same input names and non-batch dims can be one tensor.
      keyOf: (job) => batchKey(job.feeds),
      run: async (list, signal) => {
        metrics.inFlight.inc({ model: this.name });
        metrics.batchSize.observe({ model: this.name }, list.length);
        try {
          const { feeds, sizes } = concatFeeds(list.map((j) => j.feeds));
          const specs = list.map((j) => j.answer);
          const answers = specs.some((s) => s !== undefined) ? { sizes, specs } : undefined;
          // Test hook: the pool's next run (this one, dispatched synchronously below) crashes its worker.
          if (list.some((j) => j.crash)) pool.simulateCrash();
          // Every request of the batch past its deadline: the pool retires the worker and starts another.
          const { answers: made, ...result } = await pool.run(feeds, answers ? { signal, answers } : { signal });
          return splitOutputs(result.outputs, sizes).map((outputs, i) => {
            const answer = made?.[i];
            return answer ? { ...result, outputs, answer } : { ...result, outputs };
          });
        } finally {
          metrics.inFlight.dec({ model: this.name });
        }
      },
    });
    pool.on('worker-crash', (c) => {
      metrics.workerCrashes.inc({ model: this.name });
      this.opts.log(
        `model '${this.name}': worker ${c.workerId} crashed (${c.reason})${c.hadRequest ? '; its request was answered 500' : ''}; replacing it`,
      );
    });
    pool.on('worker-abandoned', (info) => {
      this.opts.log(
        `model '${this.name}': worker ${info.workerId} retired, its request timed out mid-inference (${info.reason}); a new worker takes the next requests, it ends once that run returns`,
      );
    });
    // Set while no worker is live after a failed replacement: the next one to start says so.
    let down = false;
    pool.on('worker-replace-failed', (info) => {
      metrics.workerReplaceFailures.inc({ model: this.name });
      down ||= info.live === 0;
      this.opts.log(
        `model '${this.name}': could not replace worker ${info.crashedId} (${info.live} of ${this.opts.workers} live${info.live === 0 ? ', not ready' : ''}): ${info.error.message}; retrying in ${info.retryInMs} ms`,
      );
    });
    pool.on('worker-replaced', (info) => {
      if (!down) return;
      down = false;
      this.opts.log(`model '${this.name}': worker ${info.workerId} started after failed tries; ready again`);
    });
  }

  /**
   * The repository extension's unload: new requests are refused at once (E_MODEL_UNLOADED), queued
   * and running ones finish, then the workers end. A load in progress finishes first; load() after
   * this starts the model afresh from its file.
   */
  async unload(): Promise<void> {
    if (this.loading) await this.loading.catch(() => undefined);
    if (this.unloading) return this.unloading;
    const { pool, scheduler } = this;
    this.state = 'unloaded';
    this.pool = undefined;
    this.scheduler = undefined;
    this.lastError = undefined;
    this.loadMs = undefined;
    this.unloading = (async () => {
      if (scheduler) await scheduler.idle();
      await pool?.close();
    })().finally(() => {
      this.unloading = undefined;
    });
    this.opts.log(`model '${this.name}' unloaded`);
    return this.unloading;
  }

  /** Lets queued and running requests finish, then ends the workers. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.unloading) await this.unloading;
    if (this.scheduler) await this.scheduler.idle();
    await this.pool?.close();
  }

  /** Forced stop (InferencePool.stop): refuses what waits, resolves once every thread has ended. */
  async stop(): Promise<void> {
    this.closed = true;
    this.scheduler?.rejectWaiting(new GcError('E_SHUTTING_DOWN', `model '${this.name}': gc-serve stopped before this request ran`));
    await this.pool?.stop();
  }
}

export class ModelRepository {
  private readonly slots = new Map<string, ModelSlot>();
  private readonly folder: string | undefined;

  constructor(private readonly opts: RepositoryOptions) {
    const target = resolve(opts.target);
    if (!existsSync(target)) {
      throw new GcError('E_MODEL_NOT_FOUND', `'${opts.target}' does not exist`, { hint: 'give a .onnx file or a folder of them' });
    }
    if (statSync(target).isDirectory()) {
      this.folder = target;
      for (const path of this.scan(target)) this.add(path);
      if (this.slots.size === 0) {
        throw new GcError('E_MODEL_NOT_FOUND', `'${opts.target}' holds no .onnx model`, {
          hint: 'export one with gc-export, or give the path of a .onnx file',
        });
      }
    } else {
      if (!target.endsWith('.onnx')) {
        throw new GcError('E_ARGS', `'${opts.target}' is not a .onnx file`, { hint: 'give a .onnx file or a folder of them' });
      }
      this.add(target);
    }
  }

  get names(): string[] {
    return [...this.slots.keys()];
  }

  get all(): ModelSlot[] {
    return [...this.slots.values()];
  }

  /** The slot for a request's model name; E_MODEL_NOT_FOUND for anything else. */
  get(name: string): ModelSlot {
    const slot = isValidModelName(name) ? this.slots.get(name) : undefined;
    if (!slot) {
      const shown = JSON.stringify(name.slice(0, 80));
      throw new GcError('E_MODEL_NOT_FOUND', `no model named ${shown}; this daemon serves ${this.names.map((n) => `'${n}'`).join(', ')}`);
    }
    return slot;
  }

  /**
   * The slot for a load request: an existing model, or (folder mode) a `<name>.onnx` that appeared
   * in the folder since start-up.
   */
  forLoad(name: string): ModelSlot {
    const existing = isValidModelName(name) ? this.slots.get(name) : undefined;
    if (existing) return existing;
    if (this.folder && isValidModelName(name)) {
      const path = join(this.folder, `${name}.onnx`);
      if (existsSync(path)) return this.add(path);
    }
    return this.get(name);
  }

  /** Loads every model not loaded yet; resolves with the failures (the rest serve). */
  async loadAll(): Promise<{ name: string; error: GcError }[]> {
    const failures: { name: string; error: GcError }[] = [];
    for (const slot of this.all) {
      if (slot.ready) continue;
      await slot.load().catch((e: GcError) => failures.push({ name: slot.name, error: e }));
    }
    return failures;
  }

  /** SIGHUP: reloads every model from its file (and, in folder mode, loads new files). */
  async reloadAll(): Promise<{ name: string; error: GcError }[]> {
    if (this.folder) for (const path of this.scan(this.folder)) if (!this.slots.has(modelName(path))) this.add(path);
    const failures: { name: string; error: GcError }[] = [];
    for (const slot of this.all) {
      if (slot.state === 'unloaded') continue; // unloaded by request: only a load request brings it back
      await slot.load().catch((e: GcError) => failures.push({ name: slot.name, error: e }));
    }
    return failures;
  }

  /** True once every model is loaded and warmed up. */
  get ready(): boolean {
    return this.all.every((s) => s.ready);
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((s) => s.close()));
  }

  /** Forced stop of every model: see ModelSlot.stop. */
  async stop(): Promise<void> {
    await Promise.all(this.all.map((s) => s.stop()));
  }

  private scan(folder: string): string[] {
    return readdirSync(folder)
      .filter((f) => f.endsWith('.onnx'))
      .filter((f) => {
        const ok = isValidModelName(modelName(f));
        if (!ok) this.opts.log(`skipping '${f}': model names are letters, digits, '.', '_', '-'`);
        return ok;
      })
      .sort()
      .map((f) => join(folder, f));
  }

  private add(path: string): ModelSlot {
    const name = modelName(path);
    if (!isValidModelName(name)) {
      throw new GcError('E_ARGS', `model name '${name}' (from '${path}') is not usable in a URL`, {
        hint: "rename the file: letters, digits, '.', '_', '-'",
      });
    }
    const slot = new ModelSlot(name, path, this.opts);
    this.slots.set(name, slot);
    return slot;
  }
}

/**
 * Several workers on a profile that leaves intra-op threads to onnxruntime (0 = one per core) would
 * each start a thread per core. With spinning threads that oversubscription burns the cores, so they
 * are split between the workers (at least one each). Without spinning (`threads.spinning: false`)
 * every worker keeps all cores: a lone request runs as fast as on one worker, and concurrent ones
 * share the cores through the OS scheduler while the event loop decodes and encodes.
 */
export function profileForWorkers(profile: DeviceProfile, workers: number, cores = availableParallelism()): DeviceProfile {
  if (workers <= 1 || profile.threads.intraOp !== 0 || profile.threads.spinning === false) return profile;
  return { ...profile, threads: { ...profile.threads, intraOp: Math.max(1, Math.floor(cores / workers)) } };
}

const noop = (): void => undefined;

/** The model file's bytes, or E_SESSION saying why it cannot be read. */
function readModelBytes(path: string, name: string): Uint8Array {
  try {
    return readRegularFile(path);
  } catch (e) {
    throw new GcError('E_SESSION', `model '${name}' (${path}): cannot read the model: ${readFailureReason(e)}`, {
      hint: 'pass the path of a .onnx file written by gc-export',
      cause: e,
    });
  }
}

function modelName(path: string): string {
  return basename(path).replace(/\.onnx$/, '');
}

function asLoadError(e: unknown, name: string, path: string): GcError {
  // The pool loads the file's bytes, so onnxruntime's messages no longer name the file: say which it was.
  if (e instanceof GcError && e.message.startsWith(`${name}: `)) {
    return new GcError(e.code, `model '${name}' (${path}): ${e.message.slice(name.length + 2)}`, {
      ...(e.hint ? { hint: e.hint } : {}),
      cause: e,
    });
  }
  if (e instanceof GcError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new GcError('E_SESSION', `model '${name}' (${path}): ${message}`, { cause: e });
}
