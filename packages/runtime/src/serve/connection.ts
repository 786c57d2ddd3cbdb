/**
 * The daemon's connections: the timeouts that keep slow clients (slowloris) from holding them, all
 * derived from --timeout-ms; the answer to errors Node raises before fastify has a request (408 and
 * malformed HTTP, with our JSON error body); and what a failure to bind means (E_LISTEN).
 */
import type { Socket } from 'node:net';
import { GcError } from '@gc-edge/core';
import { statusForCode, toHttpError } from './http-status';
import type { ServeMetrics } from './metrics';

/** How long a connection may take, all derived from --timeout-ms (the deadline of one answer). */
interface ConnectionTimeouts {
  /** The whole request (headers and body) must arrive within this, else 408: the request deadline. */
  readonly requestMs: number;
  /** Headers must arrive within this: the deadline, at most 10 s. */
  readonly headersMs: number;
  /** A connection with no traffic either way is closed after this: the deadline (an answer may take it) + 10 s. */
  readonly idleMs: number;
  /** An idle keep-alive connection is closed after this: at most 72 s (past load balancers' 60 s). */
  readonly keepAliveMs: number;
  /** How often Node checks the two request timeouts. */
  readonly checkEveryMs: number;
}

export function connectionTimeouts(timeoutMs: number): ConnectionTimeouts {
  const requestMs = timeoutMs;
  const headersMs = Math.min(timeoutMs, 10_000);
  const idleMs = timeoutMs + 10_000;
  return {
    requestMs,
    headersMs,
    idleMs,
    keepAliveMs: Math.min(72_000, idleMs),
    checkEveryMs: Math.max(25, Math.min(1000, Math.floor(headersMs / 4))),
  };
}

/**
 * Errors Node raises on a connection before fastify has a request (a request that does not arrive
 * within the timeouts, malformed HTTP): answered with our JSON body, then the connection closes.
 * Returns the status and code it answered (for the access log), undefined when the peer was gone.
 */
export function answerClientError(
  err: Error,
  socket: Socket,
  timeouts: ConnectionTimeouts,
  metrics: ServeMetrics,
): { status: number; code: string } | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || socket.destroyed) return undefined;
  let error: GcError;
  let status: number;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    error = new GcError(
      'E_REQUEST_TIMEOUT',
      `the request did not arrive whole within ${timeouts.requestMs} ms (headers within ${timeouts.headersMs} ms)`,
      {
        hint: 'send the request at once; --timeout-ms sets the limit',
      },
    );
    status = statusForCode(error.code);
  } else if (code === 'HPE_HEADER_OVERFLOW') {
    error = new GcError('E_TOO_LARGE', 'request headers are over the limit (16 KiB)');
    status = 431;
  } else {
    error = new GcError('E_BAD_REQUEST', `malformed HTTP request (${String(code ?? err.message).slice(0, 80)})`);
    status = statusForCode(error.code);
  }
  // A response already under way on this connection cannot be followed by another one.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify(toHttpError(error).body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  metrics.requests.inc({ route: 'unmatched', method: 'unknown', status: String(status) });
  socket.destroy();
  return { status, code: error.code };
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** Why the daemon could not bind, as E_LISTEN with what to do; anything else unchanged. */
export function listenError(e: unknown, host: string, port: number): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new GcError('E_LISTEN', `cannot listen on ${where}: the port is already in use`, {
        hint: 'stop what holds it, or pick another --port (0 takes any free port)',
        cause: e,
      });
    case 'EADDRNOTAVAIL':
      return new GcError('E_LISTEN', `cannot listen on ${where}: '${host}' is not an address of this machine`, {
        hint: '--host takes a local address: 127.0.0.1 (the default), 0.0.0.0 (every interface) or one `ip addr` lists',
        cause: e,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new GcError('E_LISTEN', `cannot listen on ${where}: --host '${host}' is neither an IP address nor a name that resolves`, {
        hint: '--host takes a local address: 127.0.0.1 (the default), 0.0.0.0 (every interface), ::1, or a host name of this machine',
        cause: e,
      });
    case 'EACCES':
    case 'EPERM':
      return new GcError('E_LISTEN', `cannot listen on ${where}: not permitted (ports below 1024 need privileges)`, {
        hint: 'use a --port of 1024 or more, or grant CAP_NET_BIND_SERVICE (AmbientCapabilities= in the systemd unit)',
        cause: e,
      });
    default:
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
        return new GcError('E_LISTEN', `cannot listen on ${where}: ${(e as Error).message}`, { hint: 'check --host and --port', cause: e });
      }
      return e;
  }
}
