/**
 * The one table from GcError codes to HTTP statuses, and the JSON error body every failure gets:
 * `{"error": {"code", "message"}}` (+ `hint` when there is one).
 */
import { GcError, type GcErrorCode } from '@gc-edge/core';
import { retryAfterOf } from './overload';
import { maxBodyBytes } from './options';

const STATUS: Partial<Record<GcErrorCode, number>> = {
  E_BAD_REQUEST: 400,
  E_IMAGE: 400,
  E_LABEL_MAP: 400,
  E_UNAUTHORIZED: 401,
  E_CROSS_SITE: 403,
  E_NOT_FOUND: 404,
  E_MODEL_NOT_FOUND: 404,
  E_MODEL_VERSION: 404,
  E_MODEL_UNLOADED: 404,
  E_METHOD_NOT_ALLOWED: 405,
  E_NOT_ACCEPTABLE: 406,
  E_REQUEST_TIMEOUT: 408,
  E_MEDIA_TYPE: 415,
  E_IMAGE_TYPE: 415,
  E_CONTENT_ENCODING: 415,
  E_BODY_ENCODING: 400,
  E_TOO_LARGE: 413,
  E_HOST: 421,
  E_IMAGE_TOO_LARGE: 413,
  E_WORKER_CRASHED: 500,
  E_INTERNAL: 500,
  E_OVERLOADED: 503,
  E_NOT_READY: 503,
  E_SHUTTING_DOWN: 503,
  E_WORKER_CLOSED: 503,
  E_DEADLINE: 504,
};

/** HTTP status for an error code; anything not in the table is a server-side failure (500). */
export function statusForCode(code: GcErrorCode): number {
  return STATUS[code] ?? 500;
}

/**
 * The KServe v2 error body: `error` is the message string (Triton's and KServe's clients read it as
 * one), with the stable code and the hint beside it.
 */
interface ErrorBody {
  error: string;
  code: string;
  hint?: string;
}

/** What the daemon was started with, for the messages of errors fastify raises itself. */
interface ErrorContext {
  /** --max-body-mb. */
  readonly maxBodyMb: number;
}

/**
 * Turns anything thrown while serving a request into a status and a body. Errors fastify raises
 * itself (body too large, bad content length, ...) carry a `statusCode` and map to our codes.
 */
export function toHttpError(e: unknown, context?: ErrorContext): { status: number; body: ErrorBody; retryAfterS?: number } {
  const g = asGcError(e, context);
  const body: ErrorBody = { error: g.message, code: g.code };
  if (g.hint) body.hint = g.hint;
  const status = statusForCode(g.code);
  return status === 503 ? { status, body, retryAfterS: retryAfterOf(g) } : { status, body };
}

function asGcError(e: unknown, context: ErrorContext | undefined): GcError {
  if (e instanceof GcError) return e;
  const err = e as { statusCode?: unknown; code?: unknown; message?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  if (err?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' && context) {
    const limit = maxBodyBytes(context);
    return new GcError('E_TOO_LARGE', `request body is over the limit of ${context.maxBodyMb} MiB (${limit} bytes)`, {
      hint: 'send a smaller body, or start gc-serve with a larger --max-body-mb',
    });
  }
  if (typeof err?.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    const code = FASTIFY_STATUS[err.statusCode] ?? 'E_BAD_REQUEST';
    return new GcError(code, message);
  }
  return new GcError('E_INTERNAL', message);
}

const FASTIFY_STATUS: Record<number, GcErrorCode> = {
  400: 'E_BAD_REQUEST',
  404: 'E_NOT_FOUND',
  413: 'E_TOO_LARGE',
  415: 'E_MEDIA_TYPE',
};
