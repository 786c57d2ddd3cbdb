/**
 * One request through a model's queue and worker, with the queue and inference stages timed into
 * the metrics. Shared by the generate (image) and infer (tensor) routes, which first hold a place
 * in the queue (`admit`) so that a full queue refuses a request before its body is decoded.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GcError } from '@gc-edge/core';
import type { TensorMap } from '../session/types';
import type { Answer, AnswerSpec } from '../worker/answer';
import type { ServeContext } from './context';
import type { ModelSlot } from './repository';
import type { Reservation } from './scheduler';

export interface ModelRun {
  /** Empty when `answer` was made instead. */
  readonly outputs: TensorMap;
  /** The image the worker made of the output, when asked (worker/answer.ts). */
  readonly answer?: Answer;
  readonly queueMs: number;
  readonly inferenceMs: number;
  readonly batchSize: number;
}

/**
 * Holds a place in the model's queue for a request about to be prepared (decoded, parsed): throws
 * E_OVERLOADED (503, Retry-After from the queue's drain time) when the queue is full, before any
 * of that work. Pass it to {@link runModel}; release it on every other way out (`finally`).
 */
export function admit(slot: ModelSlot): Reservation {
  return slot.requireReady().scheduler.reserve();
}

export async function runModel(
  ctx: ServeContext,
  slot: ModelSlot,
  feeds: TensorMap,
  deadlineAt: number,
  options: { readonly crash?: boolean; readonly answer?: AnswerSpec; readonly place?: Reservation } = {},
): Promise<ModelRun> {
  const { crash = false, answer, place } = options;
  let scheduler;
  try {
    scheduler = slot.requireReady().scheduler;
    // The per-model input cap, here where every route passes: no route can feed past it.
    slot.checkInputSize(feeds);
  } catch (e) {
    place?.release();
    throw e;
  }
  const s = await scheduler.submit({ feeds, ...(crash ? { crash } : {}), ...(answer ? { answer } : {}) }, deadlineAt, place);
  const queueMs = s.queuedMs + s.output.queueMs;
  const inferenceMs = s.output.inferenceMs;
  ctx.metrics.observeStage(slot.name, 'queue', queueMs / 1000);
  ctx.metrics.observeStage(slot.name, 'inference', inferenceMs / 1000);
  const run = { outputs: s.output.outputs, queueMs, inferenceMs, batchSize: s.batchSize };
  return s.output.answer ? { ...run, answer: s.output.answer } : run;
}

/** `Server-Timing` header value (browsers' devtools and curl -v show it). */
export function serverTiming(stages: Readonly<Record<string, number>>): string {
  return Object.entries(stages)
    .map(([k, v]) => `${k};dur=${v.toFixed(2)}`)
    .join(', ');
}

/** Header a client may send to shorten its own deadline (never beyond --timeout-ms). */
const DEADLINE_HEADER = 'x-gc-timeout-ms';

/** When a request that arrived now must be answered by: --timeout-ms, or less if the client asks. */
export function deadlineOf(headers: IncomingHttpHeaders, timeoutMs: number): number {
  const raw = headers[DEADLINE_HEADER];
  let ms = timeoutMs;
  if (raw !== undefined) {
    const asked = Number(raw);
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || asked < 1) {
      throw new GcError(
        'E_BAD_REQUEST',
        `${DEADLINE_HEADER}: '${String(raw).slice(0, 40)}' is not a positive whole number of milliseconds`,
      );
    }
    ms = Math.min(asked, timeoutMs);
  }
  return Date.now() + ms;
}
