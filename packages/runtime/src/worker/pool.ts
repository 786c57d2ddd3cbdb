/**
 * N inference workers on one model (see `types.ts`): FIFO dispatch to idle workers, a crashed
 * worker replaced, a worker whose request was aborted mid-run retired and replaced (bounded), and
 * reload that swaps in new workers only once they are all ready.
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

/** Starts `options.size` workers on `source` and resolves once all are ready (or rejects, all ended). */
export async function createPool(source: ModelSource, profile: DeviceProfile, options: PoolOptions = {}): Promise<InferencePool> {
  const size = options.size ?? 1;
  if (!Number.isInteger(size) || size < 1) {
    throw new GcError('E_ARGS', `pool size ${String(size)} is not a positive integer`);
  }
  const { workers, ready } = await startAll(source, profile, options, size);
  return new Pool(source, profile, options, size, workers, ready);
}

async function startAll(
  source: ModelSource,
  profile: DeviceProfile,
  options: PoolOptions,
  size: number,
): Promise<{ workers: InferenceWorker[]; ready: WorkerReady }> {
  const { size: _size, ...workerOptions } = options;
  const workers = Array.from({ length: size }, () => startWorker(source, profile, workerOptions));
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
  private replacing = 0;
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

  run(feeds: TensorMap, options: PoolRunOptions = {}): Promise<RunResult> {
    if (this.closing) return Promise.reject(new GcError('E_WORKER_CLOSED', 'inference pool: closing; it takes no more requests'));
    if (this.workers.length === 0 && this.replacing === 0) {
      return Promise.reject(
        new GcError('E_WORKER_CRASHED', 'inference pool: no worker left (replacing a crashed one failed)', { hint: 'reload the model' }),
      );
    }
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
    if (this.queue.length > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.reloadChain;
    const workers = this.workers.splice(0);
    for (const w of workers) w.off('crash', this.onCrash);
    // Retired workers too: exiting the process while a thread is in a run aborts it.
    await Promise.all([...workers.map((w) => w.close()), ...this.retired]);
  }

  private async swapTo(source: ModelSource): Promise<WorkerReady> {
    if (this.closing) throw new GcError('E_WORKER_CLOSED', 'inference pool: closing; reload refused');
    // Throws (after ending the new workers) on failure: the old workers were never touched.
    const { workers, ready } = await startAll(source, this.profile, this.options, this.wanted);
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

  /** Starts a worker in place of `goneId` and adopts it once ready (unless closed or reloaded since). */
  private startReplacement(goneId: number): void {
    if (this.closing) return;
    const { size: _size, ...workerOptions } = this.options;
    const fresh = startWorker(this.source, this.profile, workerOptions);
    const generation = this.generation;
    this.replacing++;
    fresh.ready.then(
      () => {
        this.replacing--;
        if (this.closing || generation !== this.generation) {
          void fresh.close();
          return;
        }
        this.adopt([fresh]);
        this.emit('worker-replaced', { crashedId: goneId, workerId: fresh.id });
        this.pump();
      },
      (error: Error) => {
        this.replacing--;
        this.emit('worker-replace-failed', { crashedId: goneId, error });
        this.failIfNoWorkers(error);
      },
    );
  }

  /** With no worker left and none coming, queued requests would wait forever: reject them. */
  private failIfNoWorkers(cause: Error): void {
    if (this.workers.length > 0 || this.replacing > 0) return;
    for (const q of this.queue.splice(0)) {
      q.unlisten?.();
      q.settled = true;
      q.reject(
        new GcError('E_WORKER_CRASHED', `inference pool: no worker left (a replacement failed: ${cause.message})`, {
          hint: 'reload the model',
        }),
      );
    }
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
