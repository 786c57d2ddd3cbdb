/**
 * The thread that reads large v2 infer bodies and writes large JSON answers (run from the compiled
 * `dist/serve/infer-body-thread.js`; infer-body.ts starts it): JSON.parse of a 19 MiB body takes
 * the better part of a second, and writing a 1024x1024 output as JSON numbers several, which on the
 * main thread would stall every other request, health included. A `parse` job is one body with
 * what its checks need, answered with the parsed request (its tensors transferred, not copied); an
 * `answer` job is a request's outputs (transferred), answered with the response's bytes and
 * headers. Errors come back as wire data. No state is kept between jobs.
 */
import { parentPort } from 'node:worker_threads';
import type { TensorMap } from '../session/types';
import { type WireError, toWire } from '../worker/wire-error';
import { buildInferResponse, parseInferRequest } from './kserve';
import { encodeInferResponse, readInferBody } from './kserve-binary';
import type { InputPlan } from './model-plan';

export type InferRequest = ReturnType<typeof parseInferRequest>;

/** One body to parse: the bytes (transferred) and the request's framing headers, model and limits. */
export interface ParseJob {
  readonly kind: 'parse';
  readonly id: number;
  readonly body: ArrayBuffer;
  readonly contentType: string | undefined;
  readonly headerLength: string | string[] | undefined;
  readonly model: string;
  readonly inputs: readonly InputPlan[];
  readonly limits: Parameters<typeof parseInferRequest>[3];
}

/** One response to write: the request (what it asked of the outputs; no feeds) and the outputs (transferred). */
export interface AnswerJob {
  readonly kind: 'answer';
  readonly id: number;
  readonly model: string;
  readonly request: InferRequest;
  readonly outputs: TensorMap;
}

/** A response's bytes (transferred) and headers. */
export interface WrittenAnswer {
  readonly body: Uint8Array;
  readonly headers: Record<string, string>;
}

export type JobResult =
  | { readonly id: number; readonly request: InferRequest }
  | { readonly id: number; readonly answer: WrittenAnswer }
  | { readonly id: number; readonly error: WireError };

/** Parses and checks one body exactly as the main thread does for small ones. */
export function parseJob(job: ParseJob): InferRequest {
  const { json, binary } = readInferBody(job.contentType, job.headerLength, Buffer.from(job.body));
  return parseInferRequest(json, job.model, job.inputs, job.limits, binary);
}

/** Writes one response exactly as the main thread does for small ones. */
export function answerJob(job: AnswerJob): WrittenAnswer {
  const built = buildInferResponse(job.model, job.request, job.outputs);
  const { body, headers } = encodeInferResponse(built.response, built.binary);
  return { body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, headers };
}

/** What to transfer with a result: its tensors' or its body's memory, when the view covers all of it. */
function transferOf(result: JobResult): ArrayBuffer[] {
  const views: Uint8Array[] | Float32Array[] =
    'request' in result ? Object.values(result.request.feeds).map((t) => t.data) : 'answer' in result ? [result.answer.body] : [];
  return views.filter((v) => v.byteOffset === 0 && v.byteLength === v.buffer.byteLength).map((v) => v.buffer as ArrayBuffer);
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: ParseJob | AnswerJob) => {
    let result: JobResult;
    try {
      result = job.kind === 'parse' ? { id: job.id, request: parseJob(job) } : { id: job.id, answer: answerJob(job) };
    } catch (e) {
      result = { id: job.id, error: toWire(e) };
    }
    port.postMessage(result, transferOf(result));
  });
}
