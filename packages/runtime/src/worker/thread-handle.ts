/**
 * Main-thread side: the handle on one worker thread holding one session (see `types.ts`; the thread
 * runs `thread-script.ts`). Requests are sent one at a time; a thread that dies rejects what it held
 * with E_WORKER_CRASHED and emits `crash`.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { GcError } from '@gc-edge/core';
import type { DeviceProfile } from '../devices/profile';
import { acquireTraceDir, releaseTraceDir } from '../session/trace-files';
import type { ModelSource, TensorMap } from '../session/types';
import type { AnswerRequest } from './answer';
import { CRASH_EXIT_CODE, type FromWorker, type ToWorker, type WorkerInit, prepareTransfer } from './protocol';
import { workerScriptPath } from './script-path';
import type { InferenceWorker, InferenceWorkerEvents, PendingRun, RunResult, WorkerOptions, WorkerReady } from './types';
import { fromWire } from './wire-error';

let nextWorkerId = 1;

interface Request extends PendingRun {
  queueMs: number;
}

/**
 * Starts a worker thread that loads `source` on `profile`. Use `await worker.ready` before relying
 * on it; `run()` calls made earlier wait for it.
 */
export function startWorker(source: ModelSource, profile: DeviceProfile, options: WorkerOptions = {}): InferenceWorker {
  return new ThreadHandle(source, profile, options);
}

class ThreadHandle extends EventEmitter implements InferenceWorker {
  readonly id = nextWorkerId++;
  readonly ready: Promise<WorkerReady>;
  private readonly thread: Worker;
  private readonly queue: Request[] = [];
  private current: { readonly id: number; readonly req: Request } | undefined;
  private nextRequestId = 1;
  private loaded = false;
  private closing = false;
  private exited = false;
  private crashNextRun = false;
  private lastError: string | undefined;
  private readonly exitPromise: Promise<void>;
  private traceDir: string | undefined;
  private resolveReady!: (r: WorkerReady) => void;
  private rejectReady!: (e: Error) => void;

  constructor(source: ModelSource, profile: DeviceProfile, options: WorkerOptions) {
    super();
    const script = workerScriptPath();
    const { warmup, ...rest } = options;
    // Placement is only computed during warm-up: without one, profiling would just leave a trace file.
    const sessionOptions = warmup === false ? { ...rest, profiling: false } : rest;
    // The thread traces into its own sub-folder of this process's trace folder, removed when it
    // exits however it ends (a terminated thread cannot clean up after itself).
    if (sessionOptions.profiling !== false && sessionOptions.profileDir === undefined) {
      this.traceDir = mkdtempSync(join(acquireTraceDir(), `worker-${this.id}-`));
    }
    const init: WorkerInit = {
      source,
      profile,
      options: this.traceDir ? { ...sessionOptions, profileDir: this.traceDir } : sessionOptions,
      warmup: warmup ?? true,
    };
    this.ready = new Promise<WorkerReady>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Keep an unobserved load failure from becoming an unhandled rejection; callers still see it.
    this.ready.catch(() => undefined);
    try {
      this.thread = new Worker(script, { workerData: init });
    } catch (e) {
      this.removeTraceDir();
      throw e;
    }
    this.thread.on('message', (m: FromWorker) => this.onMessage(m));
    this.thread.on('error', (e) => {
      this.lastError = e.message;
    });
    this.exitPromise = new Promise((resolve) => {
      this.thread.on('exit', (code) => {
        this.onExit(code);
        resolve();
      });
    });
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  run(feeds: TensorMap, answers?: AnswerRequest): Promise<RunResult> {
    if (this.closing || this.exited) {
      return Promise.reject(new GcError('E_WORKER_CLOSED', `worker ${this.id}: closed; it takes no more requests`));
    }
    return new Promise<RunResult>((resolve, reject) => {
      this.queue.push({ feeds, answers, resolve, reject, queuedAt: performance.now(), queueMs: 0 });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    if (!this.exited && this.pending === 0) this.send({ type: 'close' });
    await this.exitPromise;
  }

  async terminate(): Promise<void> {
    this.closing = true;
    await this.thread.terminate();
    await this.exitPromise;
  }

  simulateCrash(when: 'now' | 'next-run' = 'now'): void {
    if (when === 'next-run') this.crashNextRun = true;
    else this.send({ type: 'crash' });
  }

  private send(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (!this.exited) this.thread.postMessage(msg, transfer);
  }

  private pump(): void {
    if (!this.loaded || this.current || this.exited) return;
    const req = this.queue.shift();
    if (!req) {
      if (this.closing) this.send({ type: 'close' });
      return;
    }
    req.queueMs = performance.now() - req.queuedAt;
    const id = this.nextRequestId++;
    this.current = { id, req };
    const { tensors, transfer } = prepareTransfer(req.feeds);
    const crash = this.crashNextRun;
    this.crashNextRun = false;
    this.send({ type: 'run', id, feeds: tensors, ...(req.answers ? { answers: req.answers } : {}), ...(crash ? { crash } : {}) }, transfer);
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        this.loaded = true;
        this.resolveReady(m.ready);
        this.pump();
        return;
      case 'load-error':
        this.lastError = m.error.message;
        this.closing = true;
        this.rejectReady(fromWire(m.error));
        return;
      case 'result':
      case 'error': {
        const cur = this.current;
        if (!cur || cur.id !== m.id) return;
        this.current = undefined;
        if (m.type === 'result') {
          const { outputs, answers, inferenceMs, startedAt } = m;
          cur.req.resolve({
            outputs,
            ...(answers ? { answers } : {}),
            queueMs: cur.req.queueMs,
            inferenceMs,
            startedAt,
            workerId: this.id,
          });
        } else cur.req.reject(fromWire(m.error));
        this.pump();
        return;
      }
    }
  }

  private onExit(code: number): void {
    this.exited = true;
    this.removeTraceDir();
    const held = [...(this.current ? [this.current.req] : []), ...this.queue.splice(0)];
    const hadRequest = this.current !== undefined;
    this.current = undefined;
    if (!this.loaded) {
      this.rejectReady(
        new GcError('E_WORKER_CRASHED', `worker ${this.id}: exited (${this.lastError ?? `code ${code}`}) before its session was ready`),
      );
    }
    const expected = this.closing && code !== CRASH_EXIT_CODE;
    const reason = this.lastError ?? `exit code ${code}`;
    for (const r of held) {
      r.reject(
        expected
          ? new GcError('E_WORKER_CLOSED', `worker ${this.id}: terminated with this request pending`)
          : new GcError('E_WORKER_CRASHED', `worker ${this.id}: the inference thread died (${reason}) during this request`, {
              hint: 'the request was not completed; retrying it is safe',
            }),
      );
    }
    if (!expected && this.loaded) this.emit('crash', { workerId: this.id, reason, hadRequest });
  }

  private removeTraceDir(): void {
    if (!this.traceDir) return;
    rmSync(this.traceDir, { recursive: true, force: true });
    this.traceDir = undefined;
    releaseTraceDir();
  }

  override on<E extends keyof InferenceWorkerEvents>(event: E, listener: InferenceWorkerEvents[E]): this {
    return super.on(event, listener);
  }

  override off<E extends keyof InferenceWorkerEvents>(event: E, listener: InferenceWorkerEvents[E]): this {
    return super.off(event, listener);
  }
}
