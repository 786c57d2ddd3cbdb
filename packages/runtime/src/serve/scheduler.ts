/**
 * The bounded queue in front of a model's workers, with per-request deadlines and optional dynamic
 * batching. Pure logic over a `run(batch)` function: no HTTP, no onnxruntime, so tests drive it
 * with fakes.
 *
 * - At most `capacity` requests wait; one more is refused at once with E_OVERLOADED (-> 503),
 *   carrying how long the queue takes to drain (`retryAfterS`, from the recent mean run time).
 * - A route may `reserve()` a place before it does a request's costly work (decoding an image,
 *   parsing a large body): the place counts as waiting, so a full queue refuses the next request
 *   before its work, not after. `submit` with the reservation takes that place; `release()` gives it
 *   back on any other way out (idempotent).
 * - At most `concurrency` batches run at a time (one per worker).
 * - A batch takes the oldest waiting request and the waiting requests that batch with it (same
 *   `keyOf`: same input names and non-batch dims), in arrival order, up to `maxBatch` rows
 *   (`sizeOf`, default 1 per request; a request is never split). Others wait for a batch of their
 *   own. When not full it holds the oldest for up to `maxDelayMs` hoping for more (0 = never wait).
 * - A request whose deadline passes while waiting leaves the queue with E_DEADLINE (-> 504); one
 *   whose deadline passes while running is answered E_DEADLINE at once, and once every request of
 *   its batch is answered the batch's `signal` aborts, so `run` can give up on it (the daemon's pool
 *   retires that worker and starts another) instead of holding a worker for an answer nobody awaits.
 */
import { GcError } from '@gc-edge/core';
import { OverloadedError, drainSeconds } from './overload';

interface SchedulerOptions<I, O> {
  readonly capacity: number;
  readonly concurrency: number;
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  /** Rows a request adds to a batch (its own batch dimension); default 1. */
  readonly sizeOf?: (input: I) => number;
  /**
   * Which requests may share a batch: only those with the same key (default: all). The daemon keys
   * by input names and non-batch dims, since a batch is one tensor per input.
   */
  readonly keyOf?: (input: I) => string;
  /**
   * Runs one batch; must return one output per input, in order. `signal` aborts (with the
   * E_DEADLINE error) once every request of the batch has passed its deadline.
   */
  readonly run: (inputs: I[], signal: AbortSignal) => Promise<O[]>;
  /** Called whenever the number of waiting requests changes. */
  readonly onDepth?: (waiting: number) => void;
  /** What the requests wait for, for messages (`model 'horse2zebra'`). */
  readonly label: string;
}

/** A place in the queue held for a request still being prepared (see {@link Scheduler.reserve}). */
export interface Reservation {
  /** Gives the place back; a no-op once submitted or released. */
  release(): void;
}

interface Scheduled<O> {
  readonly output: O;
  /** Time spent waiting for a worker, ms. */
  readonly queuedMs: number;
  /** Time the batch took on the worker, ms. */
  readonly runMs: number;
  readonly batchSize: number;
}

interface Job<I, O> {
  readonly input: I;
  readonly enqueuedAt: number;
  readonly resolve: (r: Scheduled<O>) => void;
  readonly reject: (e: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
  /** The batch running it, once started. */
  batch?: RunningBatch<I, O>;
}

interface RunningBatch<I, O> {
  readonly jobs: readonly Job<I, O>[];
  readonly abort: AbortController;
}

export class Scheduler<I, O> {
  private readonly waiting: Job<I, O>[] = [];
  private running = 0;
  private delayTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Places held by {@link reserve} and not yet submitted or released. */
  private reserved = 0;
  private readonly held = new WeakSet<Reservation>();
  /** Mean run time of recent batches, ms (exponential average); undefined before the first run ends. */
  private meanRunMs: number | undefined;

  constructor(private readonly opts: SchedulerOptions<I, O>) {
    if (opts.capacity < 0 || opts.concurrency < 1 || opts.maxBatch < 1 || opts.maxDelayMs < 0) {
      throw new GcError('E_ARGS', `scheduler for ${opts.label}: capacity >= 0, concurrency >= 1, maxBatch >= 1, maxDelayMs >= 0 expected`);
    }
  }

  /** Requests waiting for a worker. */
  get depth(): number {
    return this.waiting.length;
  }

  /** Batches running on workers. */
  get active(): number {
    return this.running;
  }

  /** Places reserved for requests still being prepared. */
  get reservedPlaces(): number {
    return this.reserved;
  }

  /**
   * Seconds until the queue has drained at the recent pace: every request running, waiting or
   * reserved, over the workers, times the mean run time (1 to 60; 1 before any run has ended).
   */
  get drainSeconds(): number {
    return drainSeconds(this.running + this.waiting.length + this.reserved, this.opts.concurrency, this.meanRunMs);
  }

  /**
   * Holds a place for a request before its costly preparation; throws E_OVERLOADED (with the drain
   * time) when there is none. The place counts as a waiting request until `submit` takes it or
   * `release()` gives it back.
   */
  reserve(): Reservation {
    const refusal = this.refusal();
    if (refusal) throw refusal;
    this.reserved++;
    const r: Reservation = {
      release: () => {
        if (!this.held.delete(r)) return;
        this.reserved--;
      },
    };
    this.held.add(r);
    return r;
  }

  /**
   * Queues `input` and resolves with its output. Rejects with E_OVERLOADED when the queue is full
   * (unless `reservation` holds a place for it), E_DEADLINE when `deadlineAt` (Date.now() based)
   * passes first. The reservation is spent either way.
   */
  submit(input: I, deadlineAt: number, reservation?: Reservation): Promise<Scheduled<O>> {
    const reserved = reservation !== undefined && this.held.has(reservation);
    reservation?.release();
    const now = Date.now();
    if (deadlineAt <= now) {
      return Promise.reject(deadlineError(this.opts.label, 'before it reached the queue'));
    }
    const refusal = reserved ? undefined : this.refusal();
    if (refusal) return Promise.reject(refusal);
    return new Promise<Scheduled<O>>((resolve, reject) => {
      const job: Job<I, O> = { input, enqueuedAt: now, resolve, reject, timer: undefined, settled: false };
      job.timer = setTimeout(() => this.expire(job), deadlineAt - now);
      this.waiting.push(job);
      this.depthChanged();
      this.pump();
    });
  }

  /**
   * E_OVERLOADED when no place is left: requests running, waiting and reserved fill the workers and
   * then the queue's capacity (a free worker takes a request even when the queue holds none).
   */
  private refusal(): OverloadedError | undefined {
    const ahead = this.waiting.length + this.reserved;
    if (this.running + ahead < this.opts.concurrency + this.opts.capacity) return undefined;
    const reserved = this.reserved > 0 ? `, ${this.reserved} being prepared` : '';
    return new OverloadedError(
      `${this.opts.label}: queue full (${this.waiting.length} waiting${reserved}, ${this.running} running)`,
      this.drainSeconds,
    );
  }

  /** Resolves once nothing waits and nothing runs (used by graceful shutdown). */
  idle(): Promise<void> {
    if (this.waiting.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses everything still waiting with `error` (shutdown, model removed). */
  rejectWaiting(error: GcError): void {
    const jobs = this.waiting.splice(0);
    this.depthChanged();
    for (const j of jobs) this.settle(j, undefined, error);
    this.checkIdle();
  }

  private expire(job: Job<I, O>): void {
    job.timer = undefined;
    const i = this.waiting.indexOf(job);
    if (i >= 0) {
      this.waiting.splice(i, 1);
      this.depthChanged();
      this.settle(job, undefined, deadlineError(this.opts.label, 'while waiting for a worker'));
      this.checkIdle();
    } else {
      const error = deadlineError(this.opts.label, 'while the model was running');
      this.settle(job, undefined, error);
      // Nobody waits for this batch any more: let run() give up on it.
      const batch = job.batch;
      if (batch && batch.jobs.every((j) => j.settled)) batch.abort.abort(error);
    }
  }

  private pump(): void {
    while (this.running < this.opts.concurrency && this.waiting.length > 0) {
      const { maxBatch, maxDelayMs } = this.opts;
      const { take, full } = this.nextBatch();
      if (maxBatch > 1 && !full && maxDelayMs > 0) {
        const waited = Date.now() - this.waiting[0]!.enqueuedAt;
        if (waited < maxDelayMs) {
          if (!this.delayTimer) {
            this.delayTimer = setTimeout(() => {
              this.delayTimer = undefined;
              this.pump();
            }, maxDelayMs - waited);
          }
          return;
        }
      }
      if (this.delayTimer) {
        clearTimeout(this.delayTimer);
        this.delayTimer = undefined;
      }
      const chosen = new Set(take);
      const batch = this.waiting.filter((j) => chosen.has(j));
      this.waiting.splice(0, this.waiting.length, ...this.waiting.filter((j) => !chosen.has(j)));
      this.depthChanged();
      this.start(batch);
    }
  }

  /**
   * The next batch: the oldest waiting request and, in order, the later ones with its key, as many
   * as fit in maxBatch rows. `full` when it reached maxBatch rows or a request of its key was left
   * out (waiting longer would not make it bigger).
   */
  private nextBatch(): { take: Job<I, O>[]; full: boolean } {
    const head = this.waiting[0]!;
    const { keyOf } = this.opts;
    const key = keyOf?.(head.input);
    const take: Job<I, O>[] = [];
    let rows = 0;
    for (const j of this.waiting) {
      if (take.length > 0 && key !== undefined && keyOf?.(j.input) !== key) continue;
      const r = this.sizeOf(j.input);
      if (take.length > 0 && rows + r > this.opts.maxBatch) return { take, full: true };
      rows += r;
      take.push(j);
    }
    return { take, full: rows >= this.opts.maxBatch };
  }

  private sizeOf(input: I): number {
    return this.opts.sizeOf ? this.opts.sizeOf(input) : 1;
  }

  private start(batch: Job<I, O>[]): void {
    this.running++;
    const startedAt = Date.now();
    const running: RunningBatch<I, O> = { jobs: batch, abort: new AbortController() };
    for (const j of batch) j.batch = running;
    let p: Promise<O[]>;
    try {
      p = this.opts.run(
        batch.map((j) => j.input),
        running.abort.signal,
      );
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (outputs) => {
        const runMs = Date.now() - startedAt;
        this.meanRunMs = this.meanRunMs === undefined ? runMs : this.meanRunMs + RUN_TIME_WEIGHT * (runMs - this.meanRunMs);
        batch.forEach((j, i) => {
          const output = outputs[i];
          if (output === undefined) {
            this.settle(
              j,
              undefined,
              new GcError('E_INTERNAL', `${this.opts.label}: batch of ${batch.length} returned ${outputs.length} outputs`),
            );
          } else {
            this.settle(j, { output, queuedMs: startedAt - j.enqueuedAt, runMs, batchSize: batch.length });
          }
        });
      },
      (e: unknown) => {
        for (const j of batch) this.settle(j, undefined, e);
      },
    ).finally(() => {
      this.running--;
      this.pump();
      this.checkIdle();
    });
  }

  private settle(job: Job<I, O>, result: Scheduled<O> | undefined, error?: unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    if (result) job.resolve(result);
    else job.reject(error);
  }

  private depthChanged(): void {
    if (this.waiting.length === 0 && this.delayTimer) {
      clearTimeout(this.delayTimer);
      this.delayTimer = undefined;
    }
    this.opts.onDepth?.(this.waiting.length);
  }

  private checkIdle(): void {
    if (this.waiting.length > 0 || this.running > 0) return;
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }
}

/** Weight of the latest run in the mean run time (the last ~8 runs count). */
const RUN_TIME_WEIGHT = 1 / 8;

function deadlineError(label: string, when: string): GcError {
  return new GcError('E_DEADLINE', `${label}: request deadline passed ${when}`, {
    hint: 'start gc-serve with a larger --timeout-ms, or send fewer requests at once',
  });
}
