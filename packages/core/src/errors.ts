/**
 * One error type for the whole toolkit: a stable machine-readable `code`, a one-line message that
 * says where and what, and an optional hint. The CLIs print `error[CODE]: message` (+ hint) and no
 * stack trace unless --debug; the daemon maps codes to HTTP statuses.
 */
export type GcErrorCode =
  | 'E_ARGS'
  | 'E_SUBNET_JSON'
  | 'E_CONFIG'
  | 'E_WEIGHTS_IO'
  | 'E_WEIGHTS_FORMAT'
  | 'E_PICKLE_GLOBAL'
  | 'E_WEIGHTS_KEYS'
  | 'E_WEIGHTS_SHAPE'
  | 'E_GRAPH'
  | 'E_VERIFY'
  // gc-bench accuracy: the outputs differ beyond --max-abs / --min-psnr (exit status 3, for deployment scripts)
  | 'E_ACCURACY'
  | 'E_OUTPUT'
  | 'E_ONNX_PARSE'
  // the model contract in a model's metadata is malformed, newer than this gc-edge, or off its graph
  | 'E_MODEL_CONTRACT'
  | 'E_REPORT'
  | 'E_DEVICE'
  | 'E_SESSION'
  | 'E_IMAGE'
  | 'E_IMAGE_TOO_LARGE'
  | 'E_WORKER_CLOSED'
  | 'E_WORKER_SCRIPT'
  | 'E_LABEL_MAP'
  | 'E_MODEL_NOT_FOUND'
  // gc-serve request errors (HTTP statuses in runtime/src/serve/http-status.ts)
  | 'E_NOT_FOUND'
  | 'E_BAD_REQUEST'
  | 'E_MEDIA_TYPE'
  // an image body whose bytes are another format than its Content-Type says (GIF, SVG, JPEG as image/png)
  | 'E_IMAGE_TYPE'
  // Content-Encoding of a request body: one gc-serve does not decode (415), or a corrupt stream (400)
  | 'E_CONTENT_ENCODING'
  | 'E_BODY_ENCODING'
  // a model version other than those a model has (/v2/models/{name}/versions/{v})
  | 'E_MODEL_VERSION'
  // a model unloaded through the repository extension (POST /v2/repository/models/{name}/unload)
  | 'E_MODEL_UNLOADED'
  | 'E_NOT_ACCEPTABLE'
  | 'E_TOO_LARGE'
  | 'E_UNAUTHORIZED'
  | 'E_OVERLOADED'
  | 'E_NOT_READY'
  | 'E_DEADLINE'
  | 'E_WORKER_CRASHED'
  | 'E_SHUTTING_DOWN'
  | 'E_METHOD_NOT_ALLOWED'
  | 'E_REQUEST_TIMEOUT'
  // gc-serve start-up: the address cannot be bound (in use, not local, unresolvable, privileged)
  | 'E_LISTEN'
  // gc-serve exposure: a Host header naming another server (DNS rebinding), a browser's cross-site request, bad TLS files
  | 'E_HOST'
  | 'E_CROSS_SITE'
  | 'E_TLS'
  | 'E_INTERNAL';

export interface GcErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class GcError extends Error {
  readonly code: GcErrorCode;
  readonly hint: string | undefined;

  constructor(code: GcErrorCode, message: string, options: GcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GcError';
    this.code = code;
    this.hint = options.hint;
  }
}

export function isGcError(e: unknown): e is GcError {
  return e instanceof GcError;
}

/** Formats an error for a terminal: one line (plus a hint line); the stack only when asked. */
export function formatError(e: unknown, debug = false): string {
  if (e instanceof GcError) {
    let out = `error[${e.code}]: ${e.message}`;
    if (e.hint) out += `\n  hint: ${e.hint}`;
    if (debug && e.stack) out += `\n${e.stack}`;
    return out;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  let out = `error[E_INTERNAL]: ${err.message}`;
  out += debug && err.stack ? `\n${err.stack}` : '\n  hint: this is a bug in gc-edge; rerun with --debug and report the stack trace';
  return out;
}
