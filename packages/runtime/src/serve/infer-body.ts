/**
 * Reading v2 infer bodies and writing their answers without stalling the daemon. A body whose JSON
 * is over {@link LARGE_JSON_BYTES} is parsed on a thread of its own (infer-body-thread.ts), and an
 * answer with more than {@link LARGE_JSON_VALUES} values in JSON is written there, so health checks
 * and other requests keep being answered meanwhile; smaller ones are handled here, where a thread
 * hop would cost more than the work. At most {@link LARGE_BODIES_AT_ONCE} large
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
import type { TensorMap } from '../session/types';
import type { AnswerJob, InferRequest, JobResult, ParseJob, WrittenAnswer } from './infer-body-thread';
import { answerJob } from './infer-body-thread';
import { parseInferRequest } from './kserve';
import { readInferBody } from './kserve-binary';
import { OverloadedError } from './overload';

/** JSON bodies over this many bytes are parsed on the parser thread and count as large. */
export const LARGE_JSON_BYTES = 1024 * 1024;
/** Answers with more output values than this in JSON are written on the parser thread. */
export const LARGE_JSON_VALUES = 256 * 1024;
/** Large bodies in process at once, daemon-wide; one more is refused 503 before it is parsed. */
export const LARGE_BODIES_AT_ONCE = 2;

/** What a body is checked against: the model's name, its inputs as its plan holds them, the limits. */
export type BodyChecks = Omit<ParseJob, 'kind' | 'id' | 'body' | 'contentType' | 'headerLength'>;

export class InferBodyReader {
  private large = 0;
  private readonly holding = new WeakSet<ServerResponse>();
  private thread: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(
    private readonly most = LARGE_BODIES_AT_ONCE,
    private readonly largeBytes = LARGE_JSON_BYTES,
    private readonly largeJsonValues = LARGE_JSON_VALUES,
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
    const result = await this.send({ kind: 'parse', id: this.nextId++, body: bytes, contentType, headerLength, ...checks }, [bytes]);
    if (!('request' in result)) throw new GcError('E_INTERNAL', 'the body parser thread answered a parse with no request');
    return result.request;
  }

  /**
   * The response to `request` (buildInferResponse + encodeInferResponse): written on the parser
   * thread when it has more than {@link LARGE_JSON_VALUES} values in JSON, the outputs' memory
   * moving there (the caller must not use them after).
   */
  async answer(model: string, request: InferRequest, outputs: TensorMap): Promise<WrittenAnswer> {
    const names = request.outputs ?? Object.keys(outputs);
    const asJson = names.filter((n) => !(request.outputs ? request.binaryOutputs.has(n) : request.binaryByDefault));
    const values = asJson.reduce((n, name) => n + (outputs[name]?.data.length ?? 0), 0);
    // The request's feeds are spent (the worker had them); only what it asked of the outputs travels.
    const asked: InferRequest = { ...request, feeds: {} };
    if (values <= this.largeJsonValues) return answerJob({ kind: 'answer', id: 0, model, request: asked, outputs });
    const transfer = Object.values(outputs)
      .map((t) => t.data)
      .filter((v) => v.byteOffset === 0 && v.byteLength === v.buffer.byteLength)
      .map((v) => v.buffer as ArrayBuffer);
    const result = await this.send({ kind: 'answer', id: this.nextId++, model, request: asked, outputs }, [...new Set(transfer)]);
    if (!('answer' in result)) throw new GcError('E_INTERNAL', 'the body parser thread answered a response with no body');
    return result.answer;
  }

  private send(job: ParseJob | AnswerJob, transfer: ArrayBuffer[]): Promise<JobResult> {
    const thread = this.start();
    return new Promise<JobResult>((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      thread.postMessage(job, transfer);
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
    thread.on('message', (m: JobResult) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('error' in m) p.reject(fromWire(m.error));
      else p.resolve(m);
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
