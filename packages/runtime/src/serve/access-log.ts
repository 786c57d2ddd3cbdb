/**
 * gc-serve's access log, on fastify's own logger (pino): one line per request with the request id
 * (also sent back as `x-request-id`), method, route pattern, model, status, duration and, for
 * generate and infer, the stage timings of their `Server-Timing` header (queue, preprocess,
 * inference, postprocess); errors add their stable code. Never a body, a header or a query string
 * (so never the token). Health probes (`/v2/health/*`) at debug level, 5xx answers at error, the
 * rest at info. Requests Node refuses before fastify has them (408, malformed HTTP) get a line with
 * `-` for what was never read.
 *
 * Two formats: `text` (default), one readable line, `gc-serve: req-7 POST /v1/models/:name/generate
 * model=h2z 200 61.3 ms queue=0.1 preprocess=3.2 inference=55.0 postprocess=1.1`; `json`, one JSON
 * object per line (pino's, with `level` as a word and an ISO `time`), for log shippers. In json the
 * daemon's own lines (listening, ready, reloads, warnings) are JSON objects too (daemonLog()).
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type DestinationStream, type Logger, pino } from 'pino';
import { toHttpError } from './http-status';

export type LogFormat = 'text' | 'json';

export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export interface LoggerOptions {
  readonly format: LogFormat;
  /** `debug` logs health probes too. Default info. */
  readonly level?: 'info' | 'debug';
  /** Where each line goes (with its newline); default stderr. */
  readonly write?: (line: string) => void;
}

/** The pino logger the daemon logs to (fastify's `loggerInstance`). */
export function createLogger(o: LoggerOptions): Logger {
  const write = o.write ?? ((line: string) => void process.stderr.write(line));
  const stream: DestinationStream = o.format === 'json' ? { write } : { write: (line: string) => write(textLine(line)) };
  return pino(
    {
      level: o.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // fastify's own "Server listening at ..." repeats the daemon's listening line.
        logMethod(args, method) {
          if (typeof args[0] === 'string' && args[0].startsWith('Server listening at ')) return;
          method.apply(this, args);
        },
      },
    },
    stream,
  );
}

/** The daemon's own lines (`opts.log`) on the logger: `warning: ...` at warn level, the rest at info. */
export function daemonLog(logger: Logger): (line: string) => void {
  return (line) => {
    if (line.startsWith('warning: ')) logger.warn(line.slice('warning: '.length));
    else logger.info(line);
  };
}

/** One access-log record (the fields beside pino's level, time, pid and fastify's reqId). */
interface AccessRecord {
  method: string;
  route: string;
  model?: string;
  status: number;
  /** Time from the request's arrival to its answer; none for a request Node refused before fastify had it. */
  ms?: number;
  stages?: Record<string, number>;
  code?: string;
}

/** Logs every request once it is answered (register once, on an app whose loggerInstance is the access logger). */
export function accessLogHooks(app: FastifyInstance): void {
  const codes = new WeakMap<FastifyRequest, string>();
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onError', async (req, _reply, err) => {
    codes.set(req, toHttpError(err).body.code);
  });
  app.addHook('onResponse', async (req, reply) => {
    const record = accessRecord(req, reply, codes.get(req));
    const level = req.url.startsWith('/v2/health/') ? 'debug' : record.status >= 500 ? 'error' : 'info';
    req.log[level](record, 'request');
  });
}

/**
 * A request Node refused before fastify had it (408: it did not arrive in time; 400: malformed HTTP;
 * 431): one line with `-` for its id, method and route, since none was read.
 */
export function logRefused(logger: FastifyBaseLogger | undefined, answered: { status: number; code: string } | undefined): void {
  if (!logger || !answered) return;
  const record: AccessRecord = { method: '-', route: '-', status: answered.status, code: answered.code };
  logger.info({ reqId: '-', ...record }, 'request');
}

function accessRecord(req: FastifyRequest, reply: FastifyReply, code: string | undefined): AccessRecord {
  const route = req.routeOptions.url ?? req.url.split('?', 1)[0]!.slice(0, 120);
  const model = (req.params as { name?: unknown } | undefined)?.name;
  const stages = stagesOf(reply.getHeader('server-timing'));
  return {
    method: req.method,
    route,
    ...(typeof model === 'string' ? { model: model.slice(0, 80) } : {}),
    status: reply.statusCode,
    ms: round(reply.elapsedTime),
    ...(stages ? { stages } : {}),
    ...(code ? { code } : {}),
  };
}

/** `preprocess;dur=3.20, queue;dur=0.10` -> { preprocess: 3.2, queue: 0.1 }; undefined when none. */
function stagesOf(header: unknown): Record<string, number> | undefined {
  if (typeof header !== 'string') return undefined;
  const stages: Record<string, number> = {};
  for (const m of header.matchAll(/([\w-]+);dur=([\d.]+)/g)) stages[m[1]!] = round(Number(m[2]));
  return Object.keys(stages).length > 0 ? stages : undefined;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** A pino JSON line as one readable line: `gc-serve: <msg>`, a request as id, method, route, model, status, time, stages, code. */
function textLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const level = o['level'] === 'info' || o['level'] === 'debug' ? '' : `${String(o['level'])}: `;
  const msg = typeof o['msg'] === 'string' ? o['msg'] : '';
  if (msg !== 'request' || typeof o['route'] !== 'string') return `gc-serve: ${level}${msg}\n`;
  const r = o as unknown as AccessRecord & { reqId?: string };
  const parts = [String(r.reqId ?? '-'), r.method, r.route];
  if (r.model !== undefined) parts.push(`model=${r.model}`);
  parts.push(String(r.status));
  if (r.ms !== undefined) parts.push(`${r.ms.toFixed(1)} ms`);
  for (const [k, v] of Object.entries(r.stages ?? {})) parts.push(`${k}=${v.toFixed(1)}`);
  if (r.code) parts.push(`code=${r.code}`);
  return `gc-serve: ${parts.join(' ')}\n`;
}
