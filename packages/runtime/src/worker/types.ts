/**
 * Public surface of off-thread inference. onnxruntime-node's session creation and `run()` block the
 * calling thread, so a served session lives in a `worker_threads` Worker: the main thread only posts
 * Float32Array buffers (moved with a transfer list, not copied) and awaits results — the output
 * tensors, or the answers' images the worker made of them (`answer.ts`).
 *
 * - {@link InferenceWorker}: one worker thread holding one session.
 * - {@link InferencePool}: N workers on one model, FIFO dispatch, crash replacement and hot reload.
 * Implementation, main thread: `thread-handle.ts` (one worker thread), `pool.ts`; inside the worker
 * thread: `thread-script.ts` (run from the compiled `dist/worker/thread-script.js`); between them:
 * `protocol.ts` and `wire-error.ts`.
 *
 * Ownership: `run()` TRANSFERS each input's ArrayBuffer to the worker when the Float32Array covers
 * its whole buffer (the caller's array becomes detached, length 0); a view into a larger buffer is
 * copied instead. Outputs arrive as fresh arrays owned by the caller.
 */
import type { DeviceProfile } from '../devices/profile';
import type { Answer, AnswerRequest } from './answer';
import type { CreateSessionOptions, ModelSource, Placement, SessionDescription, TensorMap } from '../session/types';

export interface WorkerOptions extends CreateSessionOptions {
  /**
   * Run one inference after loading so the first request does not pay for lazy initialisation, and
   * compute {@link WorkerReady.placement} from it (ending profiling). `true` (default): zeros at the
   * model's warm-up shape — its static dims, and for symbolic ones the `macs_input_shape` metadata
   * gc-export writes, else batch 1 x 256 (session/warmup-shape.ts); or these feeds. A warm-up that
   * fails fails the load. `false`: no warm-up, and the session is created without profiling.
   */
  readonly warmup?: boolean | TensorMap;
}

/** What a worker reports once its session is loaded (and warmed up). */
export interface WorkerReady extends SessionDescription {
  /** Absent when warm-up was skipped or profiling was off. */
  readonly placement?: Placement;
  /** Milliseconds of the warm-up inference; absent when skipped. */
  readonly warmupMs?: number;
  /**
   * The dims each input was warmed up at, by input name (for a model with symbolic dims: the size
   * it was exported and measured at); absent when skipped. A daemon can size its per-model input
   * cap from it.
   */
  readonly warmupShapes?: Readonly<Record<string, readonly number[]>>;
}

/** One inference's result and where its time went. */
export interface RunResult {
  /** Every output, or none when every request of the run had its answer made (`answers`). */
  readonly outputs: TensorMap;
  /** The answers asked with {@link PoolRunOptions.answers}, one per request of the run. */
  readonly answers?: readonly (Answer | undefined)[];
  /** Waiting for a free worker (pool only; 0 on a bare worker). */
  readonly queueMs: number;
  /** `session.run` inside the worker. */
  readonly inferenceMs: number;
  /** When `session.run` began in the worker: epoch ms, sub-millisecond (timeOrigin + now). */
  readonly startedAt: number;
  /** The worker that ran it ({@link InferenceWorker.id}). */
  readonly workerId: number;
}

/** A run waiting for (or on) a thread: what a worker's and the pool's queues hold. */
export interface PendingRun {
  readonly feeds: TensorMap;
  readonly answers: AnswerRequest | undefined;
  readonly resolve: (r: RunResult) => void;
  readonly reject: (e: Error) => void;
  /** performance.now() when it was queued. */
  readonly queuedAt: number;
}

/** Per-request options of {@link InferencePool.run}. */
export interface PoolRunOptions {
  /**
   * Aborting gives up on the request: it rejects at once with the signal's reason (an Error) or
   * E_WORKER_CLOSED. Waiting, it just leaves the queue. Running, its worker is retired — it takes
   * no more requests and ends once its run returns — and a replacement is started at once, so the
   * requests after it do not wait for an inference nobody wants. onnxruntime-node cannot interrupt
   * a run (and ending a thread in the middle of one aborts the process), so the retired thread
   * still finishes it: at most as many retired workers as the pool's size run at once; beyond that
   * the run is left to finish on its worker as if not aborted, its result dropped.
   */
  readonly signal?: AbortSignal;
  /**
   * Images the worker makes of the output itself (answer.ts): cropped, converted to bytes and
   * PNG-encoded in the worker, so the caller receives the answer's bytes instead of the floats.
   */
  readonly answers?: AnswerRequest;
}

/** Why a worker died; its in-flight request was rejected with `E_WORKER_CRASHED`. */
export interface WorkerCrash {
  readonly workerId: number;
  /** Exit code, or the uncaught error's message. */
  readonly reason: string;
  /** Whether a request was in flight (and so rejected). */
  readonly hadRequest: boolean;
}

/** Events of {@link InferenceWorker}. */
export interface InferenceWorkerEvents {
  /** The thread died unexpectedly (not via `close()`). */
  crash: (crash: WorkerCrash) => void;
}

/** One worker thread with one session. Create with `startWorker()`. */
export interface InferenceWorker {
  readonly id: number;
  /** Resolves once loaded (rejects with the load error, e.g. E_SESSION, and the thread ends). */
  readonly ready: Promise<WorkerReady>;
  /** True while a request is in flight. A worker runs one request at a time; more are queued. */
  readonly busy: boolean;
  /** Requests accepted but not finished (in flight + queued). */
  readonly pending: number;
  run(feeds: TensorMap, answers?: AnswerRequest): Promise<RunResult>;
  /** Lets queued/in-flight requests finish, then ends the thread. Idempotent. */
  close(): Promise<void>;
  /**
   * Ends the thread now; pending requests reject with E_WORKER_CLOSED. Not while a run is in
   * flight: onnxruntime-node aborts the whole process when a thread ends inside a run (use close()).
   */
  terminate(): Promise<void>;
  /**
   * Test hook: makes the thread exit abruptly (exit code 70) — `now` (after the request in flight,
   * if any, is answered) or while handling the `next-run` (that request is rejected).
   */
  simulateCrash(when?: 'now' | 'next-run'): void;
  on<E extends keyof InferenceWorkerEvents>(event: E, listener: InferenceWorkerEvents[E]): this;
  off<E extends keyof InferenceWorkerEvents>(event: E, listener: InferenceWorkerEvents[E]): this;
}

export interface PoolOptions extends WorkerOptions {
  /** Worker threads; default 1 (a session already uses the profile's intra-op threads). */
  readonly size?: number;
}

/** Events of {@link InferencePool}. */
export interface InferencePoolEvents {
  /** A worker crashed; its request (if any) was rejected; a replacement is being started. */
  'worker-crash': (crash: WorkerCrash) => void;
  /** The replacement for a crashed or abandoned worker is ready (`workerId` is the new worker's id). */
  'worker-replaced': (info: { readonly crashedId: number; readonly workerId: number }) => void;
  /**
   * A worker was retired because the request it was running was aborted (a deadline passed); a
   * replacement is being started. `exited` resolves once the thread has ended (after its run).
   */
  'worker-abandoned': (info: { readonly workerId: number; readonly reason: string; readonly exited: Promise<void> }) => void;
  /**
   * The replacement failed to start; the pool runs with one worker fewer (`live` left) and tries
   * again in `retryInMs`.
   */
  'worker-replace-failed': (info: {
    readonly crashedId: number;
    readonly error: Error;
    readonly retryInMs: number;
    readonly live: number;
  }) => void;
  /** A reload swapped in a new model. */
  reloaded: (ready: WorkerReady) => void;
}

/** Whether a pool can answer: its live workers against the wanted number, and its failed replacements. */
export interface PoolHealth {
  /** Workers that take requests now. */
  readonly live: number;
  /** The pool's size. */
  readonly wanted: number;
  /** Replacements loading now. */
  readonly starting: number;
  /** Replacements that failed to start in a row (0 once one starts, or after a reload). */
  readonly failedInARow: number;
  /** Why the last of them failed; only while `failedInARow` > 0. */
  readonly lastError?: string;
  /** When the next try starts (epoch ms); absent when none is waiting. */
  readonly retryAt?: number;
}

/** N workers on one model. Create with `createPool()`; it resolves once every worker is ready. */
export interface InferencePool {
  /** The model being served: what the current workers reported when they became ready. */
  readonly model: WorkerReady;
  readonly source: ModelSource;
  readonly profile: DeviceProfile;
  /** Live workers. */
  readonly size: number;
  /** Requests waiting for a worker (not yet dispatched). */
  readonly queued: number;
  /** Requests in flight on workers. */
  readonly inFlight: number;
  /** Retired workers still finishing an aborted run (see {@link PoolRunOptions.signal}). */
  readonly abandoned: number;
  /** Live workers and failed replacements: with none live and none loading, runs are refused (E_NOT_READY). */
  readonly health: PoolHealth;
  /**
   * Runs on the first free worker (FIFO). Rejects with E_WORKER_CRASHED if its worker dies, with the
   * abort reason if `options.signal` aborts first.
   */
  run(feeds: TensorMap, options?: PoolRunOptions): Promise<RunResult>;
  /**
   * Loads `source` (default: the current source again, e.g. a re-exported file) in new workers and
   * swaps them in only once all are ready; old workers finish what they hold, then close. On failure
   * the new workers are discarded, the old ones keep serving, and the promise rejects.
   */
  reload(source?: ModelSource): Promise<WorkerReady>;
  /** Test hook: the worker that takes the next request crashes while handling it. */
  simulateCrash(): void;
  /** Stops taking requests, lets pending ones finish, ends every worker. */
  close(): Promise<void>;
  /**
   * Forced stop: refuses the requests still waiting (E_SHUTTING_DOWN) and ends every worker once the
   * run it holds returns (onnxruntime cannot interrupt one; exiting the process during one aborts
   * it). Resolves once every thread has ended, so the process may exit.
   */
  stop(): Promise<void>;
  on<E extends keyof InferencePoolEvents>(event: E, listener: InferencePoolEvents[E]): this;
  off<E extends keyof InferencePoolEvents>(event: E, listener: InferencePoolEvents[E]): this;
}
