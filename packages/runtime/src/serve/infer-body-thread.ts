/**
 * The thread that parses large v2 infer bodies (run from the compiled
 * `dist/serve/infer-body-thread.js`; infer-body.ts starts it): JSON.parse of a 19 MiB body takes
 * the better part of a second, which on the main thread would stall every other request, health
 * included. Each message is one body with what its checks need; the answer is the parsed request,
 * its tensors transferred (not copied), or the error as wire data. Pure parsing: no state kept
 * between messages.
 */
import { parentPort } from 'node:worker_threads';
import { type WireError, toWire } from '../worker/wire-error';
import { parseInferRequest } from './kserve';
import { readInferBody } from './kserve-binary';
import type { InputPlan } from './model-plan';

type InferRequest = ReturnType<typeof parseInferRequest>;

/** One body to parse: the bytes (transferred) and the request's framing headers, model and limits. */
export interface ParseJob {
  readonly id: number;
  readonly body: ArrayBuffer;
  readonly contentType: string | undefined;
  readonly headerLength: string | string[] | undefined;
  readonly model: string;
  readonly inputs: readonly InputPlan[];
  readonly limits: Parameters<typeof parseInferRequest>[3];
}

export type ParseAnswer = { readonly id: number; readonly request: InferRequest } | { readonly id: number; readonly error: WireError };

/** Parses and checks one body exactly as the main thread does for small ones. */
export function parseJob(job: ParseJob): ParseAnswer {
  try {
    const { json, binary } = readInferBody(job.contentType, job.headerLength, Buffer.from(job.body));
    return { id: job.id, request: parseInferRequest(json, job.model, job.inputs, job.limits, binary) };
  } catch (e) {
    return { id: job.id, error: toWire(e) };
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: ParseJob) => {
    const answer = parseJob(job);
    const transfer = 'request' in answer ? Object.values(answer.request.feeds).map((t) => t.data.buffer as ArrayBuffer) : [];
    port.postMessage(answer, transfer);
  });
}
