/**
 * Reading v2 infer bodies without stalling the daemon. A body whose JSON is over
 * {@link LARGE_JSON_BYTES} is parsed on a thread of its own (infer-body-thread.ts), so health
 * checks and other requests keep being answered while it is parsed; smaller ones are parsed here,
 * where a thread hop would cost more than the parse. At most {@link LARGE_BODIES_AT_ONCE} large
 * bodies are in process at a time (from arrival to their answer, their bytes and tensors held);
 * one more is refused with 503 E_OVERLOADED and Retry-After before it is parsed (before it is
 * even read when its Content-Length says it is large), which bounds the memory large bodies take.
 * Shapes and sizes are checked before any tensor is made (kserve.ts).
 */
import * as fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { GcError } from '@gc-edge/core';
import { fromWire } from '../worker/wire-error';
import type { ParseAnswer, ParseJob } from './infer-body-thread';
import { parseInferRequest } from './kserve';
import { readInferBody } from './kserve-binary';
import { OverloadedError } from './overload';

type InferRequest = ReturnType<typeof parseInferRequest>;

/** JSON bodies over this many bytes are parsed on the parser thread and count as large. */
export const LARGE_JSON_BYTES = 1024 * 1024;
/** Large bodies in process at once, daemon-wide; one more is refused 503 before it is parsed. */
export const LARGE_BODIES_AT_ONCE = 2;

/** What a body is checked against: the model's name, its inputs as its plan holds them, the limits. */
export type BodyChecks = Omit<ParseJob, 'id' | 'body' | 'contentType' | 'headerLength'>;

export class InferBodyReader {
  private large = 0;
  private readonly holding = new WeakSet<ServerResponse>();
  private thread: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (r: InferRequest) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(
    private readonly most = LARGE_BODIES_AT_ONCE,
    private readonly largeBytes = LARGE_JSON_BYTES,
  ) {}

  /** Large bodies in process now. */
  get largeInProcess(): number {
    return this.large;
  }

  /**
   * Holds one of the large-body places for the request answered by `res` when its JSON is large
   * (`jsonBytes`, from {@link jsonLengthOf}), until `res` closes; a no-op for a small body or one
   * already held. Throws E_OVERLOADED, asking to retry after `retryAfterS`, when every place is taken.
   */
  hold(res: ServerResponse, jsonBytes: number | undefined, retryAfterS: number): void {
    if (jsonBytes === undefined || jsonBytes <= this.largeBytes || this.holding.has(res)) return;
    if (this.large >= this.most) {
      throw new OverloadedError(
        `${this.large} large request bodies (JSON over ${this.largeBytes} bytes) are being processed; at most ${this.most} at once`,
        retryAfterS,
        'retry after the Retry-After delay, or send tensors as binary data (the binary tensor data extension), which needs no JSON parse',
      );
    }
    this.large++;
    this.holding.add(res);
    res.once('close', () => {
      this.holding.delete(res);
      this.large--;
    });
  }

  /** The body split, parsed and checked (readInferBody + parseInferRequest): on the parser thread when large. */
  async read(
    contentType: string | undefined,
    headerLength: string | string[] | undefined,
    body: unknown,
    checks: BodyChecks,
  ): Promise<InferRequest> {
    if (!this.isLarge(body, headerLength) || !Buffer.isBuffer(body)) {
      const { json, binary } = readInferBody(contentType, headerLength, body);
      return parseInferRequest(json, checks.model, checks.inputs, checks.limits, binary);
    }
    // The body's own memory moves to the thread when it is all of its buffer; else a copy does.
    const own = body.buffer;
    const whole = own instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === own.byteLength;
    const bytes = whole ? own : new Uint8Array(body).buffer;
    const job: ParseJob = { id: this.nextId++, body: bytes, contentType, headerLength, ...checks };
    const thread = this.start();
    return new Promise<InferRequest>((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      thread.postMessage(job, [bytes]);
    });
  }

  /** Ends the parser thread (the daemon is closing); bodies still being parsed are refused. */
  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    this.failPending(new GcError('E_SHUTTING_DOWN', 'the daemon is shutting down; the request body was not parsed'));
    if (thread) await thread.terminate();
  }

  private isLarge(body: unknown, headerLength: string | string[] | undefined): boolean {
    return Buffer.isBuffer(body) && (jsonLengthOf(headerLength, body.length) ?? 0) > this.largeBytes;
  }

  private start(): Worker {
    if (this.thread) return this.thread;
    const thread = new Worker(threadScriptPath());
    // Idle, it must not keep the process alive; the daemon's server does while it serves.
    thread.unref();
    thread.on('message', (m: ParseAnswer) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('request' in m) p.resolve(m.request);
      else p.reject(fromWire(m.error));
    });
    const ended = (why: string): void => {
      if (this.thread === thread) this.thread = undefined;
      this.failPending(new GcError('E_INTERNAL', `the request body parser thread ended (${why}); the body was not parsed`));
    };
    thread.on('error', (e) => ended(e.message));
    thread.on('exit', (code) => ended(`exit code ${code}`));
    this.thread = thread;
    return thread;
  }

  private failPending(error: GcError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}

/**
 * How long a request's JSON is: the Inference-Header-Content-Length when it is a byte count within
 * the body, else the whole body (`bodyBytes`: the body's length, or the Content-Length it declares
 * before it is read); undefined when not known (a chunked body before it is read).
 */
export function jsonLengthOf(headerLength: string | string[] | undefined, bodyBytes: number | undefined): number | undefined {
  const raw = typeof headerLength === 'string' ? headerLength.trim() : undefined;
  const framed = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
  if (framed !== undefined && (bodyBytes === undefined || framed <= bodyBytes)) return framed;
  return bodyBytes;
}

/** The Content-Length a request declares, or undefined (chunked, or not a byte count). */
export function declaredLength(contentLength: string | undefined): number | undefined {
  return contentLength !== undefined && /^\d+$/.test(contentLength.trim()) ? Number(contentLength) : undefined;
}

/**
 * The compiled parser thread, `packages/runtime/dist/serve/infer-body-thread.js`: from dist
 * `__dirname` is `dist/serve`, from the TypeScript sources (ts-jest) `src/serve`, mapped to dist.
 */
function threadScriptPath(packageRoot = path.resolve(__dirname, '..', '..')): string {
  const script = path.join(packageRoot, 'dist', 'serve', 'infer-body-thread.js');
  if (!fs.existsSync(script)) {
    throw new GcError('E_WORKER_SCRIPT', `body parser script ${script} is missing (the runtime package is not built)`, {
      hint: 'run `npx tsc -b` in the repository root',
    });
  }
  return script;
}
