/**
 * N inference workers on one model (see `types.ts`): FIFO dispatch to idle workers, a crashed
 * worker replaced from the model being served (a replacement that fails to start is retried with
 * backoff, and the pool says so in `health`), a worker whose request was aborted mid-run retired and
 * replaced (bounded), reload that swaps in new workers only once they are all ready, and a forced
 * stop that waits only for the runs onnxruntime cannot interrupt.
 */
import { EventEmitter } from 'node:events';
import { GcError } from '@gc-edge/core';
import type { DeviceProfile } from '../devices/profile';
import type { ModelSource, TensorMap } from '../session/types';
import { startWorker } from './thread-handle';
import type {
  InferencePool,
  InferencePoolEvents,
  InferenceWorker,
  PendingRun,
  PoolHealth,
  PoolOptions,
  PoolRunOptions,
  RunResult,
  WorkerCrash,
  WorkerReady,
} from './types';

interface Queued extends PendingRun {
  /** The worker running it, once dispatched. */
  worker?: InferenceWorker;
  settled: boolean;
  /** Stops listening to the abort signal. */
  unlisten?: () => void;
}

/** Starts one worker thread; `startWorker` unless a test puts a stand-in around it. */
export type StartWorker = typeof startWorker;

/** First wait before retrying a replacement that failed to start; it doubles up to {@link REPLACE_RETRY_MAX_MS}. */
export const REPLACE_RETRY_BASE_MS = 1000;
export const REPLACE_RETRY_MAX_MS = 30_000;

/**
 * Starts `options.size` workers on `source` and resolves once all are ready (or rejects, all ended).
 * Give the model's bytes rather than its path when the file may change while it is served: crash
 * replacements start from `source`, and must load the model being served.
 */
export async function createPool(
  source: ModelSource,
  profile: DeviceProfile,
  options: PoolOptions = {},
  start: StartWorker = startWorker,
): Promise<InferencePool> {
  const size = options.size ?? 1;
  if (!Number.isInteger(size) || size < 1) {
    throw new GcError('E_ARGS', `pool size ${String(size)} is not a positive integer`);
  }
  const { workers, ready } = await startAll(source, profile, options, size, start);
  return new Pool(source, profile, options, size, workers, ready, start);
}

async function startAll(
  source: ModelSource,
  profile: DeviceProfile,
  options: PoolOptions,
  size: number,
  start: StartWorker,
): Promise<{ workers: InferenceWorker[]; ready: WorkerReady }> {
  const { size: _size, ...workerOptions } = options;
  const workers = Array.from({ length: size }, () => start(source, profile, workerOptions));
  const settled = await Promise.allSettled(workers.map((w) => w.ready));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw failed.reason;
  }
  return { workers, ready: (settled[0] as PromiseFulfilledResult<WorkerReady>).value };
}

class Pool extends EventEmitter implements InferencePool {
  private workers: InferenceWorker[] = [];
  private readonly queue: Queued[] = [];
  /** Replacements loading now. */
  private readonly starting = new Set<InferenceWorker>();
  /** Replacements that failed in a row (reset by one that starts), the last error, the retries waiting. */
  private failedInARow = 0;
  private lastReplaceError: Error | undefined;
  private readonly retries = new Map<NodeJS.Timeout, number>();
  private abandonedThreads = 0;
  /** Exits of retired workers still finishing a run; close() waits for them. */
  private readonly retired = new Set<Promise<void>>();
  /** Bumped by each reload: a replacement started for an older model is discarded. */
  private generation = 0;
  private closing = false;
  private crashNext = false;
  private reloadChain: Promise<unknown> = Promise.resolve();
  private drained: (() => void) | undefined;
  private readonly onCrash = (crash: WorkerCrash): void => this.replace(crash);

  constructor(
    public source: ModelSource,
    readonly profile: DeviceProfile,
    private readonly options: PoolOptions,
    private readonly wanted: number,
    workers: InferenceWorker[],
    public model: WorkerReady,
    private readonly start: StartWorker,
  ) {
    super();
    this.adopt(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  get queued(): number {
    return this.queue.length;
  }

  get inFlight(): number {
    return this.workers.filter((w) => w.busy).length;
  }

  get abandoned(): number {
    return this.abandonedThreads;
  }

  get health(): PoolHealth {
    const retryAt = this.retries.size > 0 ? Math.min(...this.retries.values()) : undefined;
    return {
      live: this.workers.length,
      wanted: this.wanted,
      starting: this.starting.size,
      failedInARow: this.failedInARow,
      ...(this.lastReplaceError && this.failedInARow > 0 ? { lastError: this.lastReplaceError.message } : {}),
      ...(retryAt !== undefined ? { retryAt } : {}),
    };
  }

  run(feeds: TensorMap, options: PoolRunOptions = {}): Promise<RunResult> {
    if (this.closing) return Promise.reject(new GcError('E_WORKER_CLOSED', 'inference pool: closing; it takes no more requests'));
    if (this.workers.length === 0 && this.starting.size === 0) return Promise.reject(this.noWorkerError());
    const { signal, answers } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<RunResult>((resolve, reject) => {
      const q: Queued = { feeds, answers, resolve, reject, queuedAt: performance.now(), settled: false };
      if (signal) {
        const onAbort = (): void => this.abort(q, abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        q.unlisten = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(q);
      this.pump();
    });
  }

  reload(source: ModelSource = this.source): Promise<WorkerReady> {
    const next = this.reloadChain.then(() => this.swapTo(source));
    this.reloadChain = next.catch(() => undefined);
    return next;
  }

  simulateCrash(): void {
    this.crashNext = true;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.cancelRetries();
    if (this.queue.length > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.endThreads();
  }

  async stop(): Promise<void> {
    this.closing = true;
    this.cancelRetries();
    for (const q of this.queue.splice(0)) {
      settle(q, () => q.reject(new GcError('E_SHUTTING_DOWN', 'inference pool: stopped before this request ran')));
    }
    this.pump();
    await this.endThreads();
  }

  /**
   * Ends every thread once it is out of onnxruntime: the live ones after the run they hold, the
   * retired ones after theirs, the loading ones once loaded. Exiting the process while a thread is
   * inside a native call aborts it ("terminate called after throwing an instance of 'Napi::Error'").
   */
  private async endThreads(): Promise<void> {
    await this.reloadChain;
    const workers = this.workers.splice(0);
    for (const w of workers) w.off('crash', this.onCrash);
    const loading = [...this.starting].map((w) => w.ready.then(() => w.close(), () => w.close()));
    await Promise.all([...workers.map((w) => w.close()), ...this.retired, ...loading]);
  }

  private async swapTo(source: ModelSource): Promise<WorkerReady> {
    if (this.closing) throw new GcError('E_WORKER_CLOSED', 'inference pool: closing; reload refused');
    // Throws (after ending the new workers) on failure: the old workers were never touched.
    const { workers, ready } = await startAll(source, this.profile, this.options, this.wanted, this.start);
    if (this.closing) {
      await Promise.all(workers.map((w) => w.close()));
      throw new GcError('E_WORKER_CLOSED', 'inference pool: closed while reloading; the new model was discarded');
    }
    // A full set of workers on the new model: replacements still owed to the old one are moot.
    this.cancelRetries();
    this.failedInARow = 0;
    const old = this.workers;
    this.workers = [];
    this.adopt(workers);
    this.source = source;
    this.model = ready;
    this.generation++;
    for (const w of old) w.off('crash', this.onCrash);
    // Old workers finish the request they hold (the pool gives each at most one), then end.
    void Promise.all(old.map((w) => w.close()));
    this.emit('reloaded', ready);
    this.pump();
    return ready;
  }

  private adopt(workers: InferenceWorker[]): void {
    for (const w of workers) {
      w.on('crash', this.onCrash);
      this.workers.push(w);
    }
  }

  private pump(): void {
    for (const w of this.workers) {
      if (this.queue.length === 0) break;
      if (w.busy) continue;
      const q = this.queue.shift()!;
      const queueMs = performance.now() - q.queuedAt;
      if (this.crashNext) {
        this.crashNext = false;
        w.simulateCrash('next-run');
      }
      q.worker = w;
      w.run(q.feeds, q.answers).then(
        (r) => {
          settle(q, () => q.resolve({ ...r, queueMs: queueMs + r.queueMs }));
          this.pump();
        },
        (e: Error) => {
          settle(q, () => q.reject(e));
          this.pump();
        },
      );
    }
    if (this.queue.length === 0 && this.drained) {
      this.drained();
      this.drained = undefined;
    }
  }

  /**
   * Gives up on `q` (its signal aborted): rejected at once. If it is running, its worker is retired
   * (no more requests; it ends once its run returns) and a replacement started now, unless `wanted`
   * retired workers are still finishing their run. The thread is not terminated: onnxruntime-node
   * cannot interrupt a run, and ending a thread (or the process) while one is in native code aborts
   * the whole process ("terminate called after throwing an instance of 'Napi::Error'").
   */
  private abort(q: Queued, reason: Error): void {
    if (q.settled) return;
    settle(q, () => q.reject(reason));
    const waiting = this.queue.indexOf(q);
    if (waiting >= 0) {
      this.queue.splice(waiting, 1);
      this.pump();
      return;
    }
    const w = q.worker;
    // Not one of ours any more (reloaded away: it closes once its run returns), or too many
    // retired workers still running: let the run finish here; its result is dropped.
    if (!w || !this.workers.includes(w) || this.abandonedThreads >= this.wanted) return;
    this.workers.splice(this.workers.indexOf(w), 1);
    w.off('crash', this.onCrash);
    this.abandonedThreads++;
    const exited = w.close().finally(() => {
      this.abandonedThreads--;
      this.retired.delete(exited);
    });
    this.retired.add(exited);
    this.emit('worker-abandoned', { workerId: w.id, reason: reason.message, exited });
    this.startReplacement(w.id);
  }

  private replace(crash: WorkerCrash): void {
    const dead = this.workers.find((w) => w.id === crash.workerId);
    if (!dead) return;
    this.workers.splice(this.workers.indexOf(dead), 1);
    dead.off('crash', this.onCrash);
    this.emit('worker-crash', crash);
    this.startReplacement(crash.workerId);
  }

  /**
   * Starts a worker in place of `goneId` from the model being served and adopts it once ready
   * (unless closed or reloaded since). One that fails to start is retried after a wait that doubles
   * from {@link REPLACE_RETRY_BASE_MS} to {@link REPLACE_RETRY_MAX_MS}.
   */
  private startReplacement(goneId: number): void {
    if (this.closing) return;
    const { size: _size, ...workerOptions } = this.options;
    const generation = this.generation;
    let fresh: InferenceWorker;
    try {
      fresh = this.start(this.source, this.profile, workerOptions);
    } catch (e) {
      this.replacementFailed(goneId, generation, e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.starting.add(fresh);
    fresh.ready.then(
      () => {
        this.starting.delete(fresh);
        if (this.closing || generation !== this.generation) {
          void fresh.close();
          return;
        }
        this.failedInARow = 0;
        this.adopt([fresh]);
        this.emit('worker-replaced', { crashedId: goneId, workerId: fresh.id });
        this.pump();
      },
      (error: Error) => {
        this.starting.delete(fresh);
        this.replacementFailed(goneId, generation, error);
      },
    );
  }

  private replacementFailed(goneId: number, generation: number, error: Error): void {
    if (this.closing || generation !== this.generation) return;
    this.failedInARow++;
    this.lastReplaceError = error;
    const retryInMs = Math.min(REPLACE_RETRY_BASE_MS * 2 ** (this.failedInARow - 1), REPLACE_RETRY_MAX_MS);
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      if (generation === this.generation) this.startReplacement(goneId);
    }, retryInMs);
    timer.unref();
    this.retries.set(timer, Date.now() + retryInMs);
    this.emit('worker-replace-failed', { crashedId: goneId, error, retryInMs, live: this.workers.length });
    this.failIfNoWorkers();
  }

  private cancelRetries(): void {
    for (const timer of this.retries.keys()) clearTimeout(timer);
    this.retries.clear();
  }

  /** What a request meets when no worker is live and none is loading: E_NOT_READY (503), saying when the next try is. */
  private noWorkerError(): GcError {
    const h = this.health;
    const next = h.retryAt !== undefined ? `; next try in ${Math.max(0, Math.ceil((h.retryAt - Date.now()) / 1000))} s` : '';
    return new GcError(
      'E_NOT_READY',
      `inference pool: no live worker (${h.failedInARow} replacement(s) failed in a row: ${h.lastError ?? 'unknown error'})${next}`,
      { hint: 'the pool keeps retrying; reloading the model starts a new set of workers' },
    );
  }

  /** With no worker left and none loading, queued requests would wait for the next retry: refuse them now. */
  private failIfNoWorkers(): void {
    if (this.workers.length > 0 || this.starting.size > 0) return;
    const error = this.noWorkerError();
    for (const q of this.queue.splice(0)) settle(q, () => q.reject(error));
    this.pump();
  }

  override on<E extends keyof InferencePoolEvents>(event: E, listener: InferencePoolEvents[E]): this {
    return super.on(event, listener);
  }

  override off<E extends keyof InferencePoolEvents>(event: E, listener: InferencePoolEvents[E]): this {
    return super.off(event, listener);
  }
}

/** Settles `q` once (a late answer after an abort is dropped) and stops listening to its signal. */
function settle(q: Queued, how: () => void): void {
  if (q.settled) return;
  q.settled = true;
  q.unlisten?.();
  how();
}

function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error && !(r instanceof DOMException) ? r : new GcError('E_WORKER_CLOSED', 'inference pool: the request was aborted');
}
