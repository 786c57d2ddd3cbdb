/**
 * Refusing work the daemon cannot take now (503 `E_OVERLOADED`), with the `Retry-After` a client
 * should wait: how long the work already accepted takes to drain at the recent pace, in whole
 * seconds as HTTP requires, never below 1 nor above {@link MAX_RETRY_AFTER_S}.
 */
import { GcError } from '@gc-edge/core';

/** The longest Retry-After gc-serve asks for, s: beyond it a client would rather hear "try later" than wait. */
export const MAX_RETRY_AFTER_S = 60;

const HINT = 'retry after the Retry-After delay, or start gc-serve with a larger --queue-size or more --workers';

/** E_OVERLOADED with the seconds a client should wait before retrying (the `Retry-After` header). */
export class OverloadedError extends GcError {
  constructor(
    message: string,
    readonly retryAfterS: number,
    hint = HINT,
  ) {
    super('E_OVERLOADED', message, { hint });
  }
}

/**
 * Seconds until `requests` (running, waiting and being prepared) are done on `workers` workers
 * that take `meanRunMs` each: ceil(requests x mean / workers), 1 to {@link MAX_RETRY_AFTER_S}; 1
 * when no run time is known yet.
 */
export function drainSeconds(requests: number, workers: number, meanRunMs: number | undefined): number {
  if (meanRunMs === undefined || !Number.isFinite(meanRunMs)) return 1;
  const s = Math.ceil((requests * meanRunMs) / Math.max(1, workers) / 1000);
  return Math.min(MAX_RETRY_AFTER_S, Math.max(1, s));
}

/** The Retry-After of an error answered 503: its own when it carries one, else 1 s. */
export function retryAfterOf(e: unknown): number {
  return e instanceof OverloadedError ? e.retryAfterS : 1;
}
