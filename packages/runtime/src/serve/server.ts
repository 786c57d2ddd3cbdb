/**
 * Builds a gc-serve daemon: fastify (HTTPS with tls.ts's files) with one content-type parser (raw
 * bytes; routes decide what they accept), the access log (access-log.ts), the Host and cross-site
 * checks (exposure.ts), the bearer-token hook, metrics hooks, one error handler turning GcErrors into
 * `{"error": {"code", "message"}}` with the status from http-status.ts, 405 for a known route
 * with another method, connection timeouts (408 for a request that does not arrive in time), and
 * the route groups. `listen()` binds first (live), `loadModels()` warms the models up (ready).
 */
import Fastify, { type FastifyInstance, type HTTPMethods } from 'fastify';
import { GcError } from '@gc-edge/core';
import { createPool } from '../worker/pool';
import { bearerChecker, isPublicPath } from './auth';
import { bodyDecoder } from './body-encoding';
import type { DaemonState, ImageCodec, ServeContext } from './context';
import { accessLogHooks, logRefused } from './access-log';
import { createGrpcEndpoint } from './grpc/grpc-server';
import { answerClientError, connectionTimeouts, listenError } from './connection';
import { exposureHooks } from './exposure';
import { toHttpError } from './http-status';
import { clientMessage } from './redact';
import { loadTls } from './tls';
import { defaultImageCodec } from './image-codec';
import { ServeMetrics } from './metrics';
import { type ResolvedServeOptions, type ServeOptions, maxBodyBytes, resolveServeOptions } from './options';
import { planCache } from './model-plan';
import { ModelRepository } from './repository';
import { acceptGrace, refuseWhileStopping } from './shutdown';
import { generateRoutes } from './routes/generate';
import { healthRoutes } from './routes/health';
import { inferRoutes } from './routes/infer';
import { metricsRoutes } from './routes/metrics';
import { modelRoutes } from './routes/models';
import { demoRoutes } from './routes/demo';
import { paletteRoutes } from './routes/palettes';
import { streamRoutes } from './routes/stream';
import { repositoryRoutes } from './routes/repository';

export interface GcServer {
  readonly app: FastifyInstance;
  readonly repository: ModelRepository;
  readonly metrics: ServeMetrics;
  readonly options: ResolvedServeOptions;
  /** Binds host:port (and the gRPC port, if any) and resolves with the base URL (`http://127.0.0.1:8080`). */
  listen(): Promise<string>;
  /** The gRPC port once listening (`--grpc-port`; a free one for 0); undefined when gRPC is off. */
  grpcPort(): number | undefined;
  /** Loads and warms up every model; resolves with the failures. Ready once none is left loading. */
  loadModels(): Promise<{ name: string; error: GcError }[]>;
  /** What SIGHUP does: reload every model (failures keep the old version). */
  reloadAll(): Promise<{ name: string; error: GcError }[]>;
  /**
   * Graceful stop: not ready any more, no new connections, requests in flight finish, then the
   * workers end. Idempotent.
   */
  close(): Promise<void>;
  /**
   * Forced stop (shutdown timeout, second signal): requests still queued are refused, and it resolves
   * once every worker thread has ended — after the runs in progress return, which onnxruntime cannot
   * interrupt — so that the process can exit without aborting.
   */
  stop(): Promise<void>;
}

export function createServer(options: ServeOptions, codec?: ImageCodec): GcServer {
  const opts = resolveServeOptions(options);
  const images = codec ?? defaultImageCodec(opts.pngLevel);
  const metrics = new ServeMetrics();
  const plan = planCache(opts.maxModelPixels);
  const repository = new ModelRepository({
    target: opts.target,
    profile: opts.profile,
    workers: opts.workers,
    queueSize: opts.queueSize,
    maxBatch: opts.maxBatch,
    maxDelayMs: opts.maxDelayMs,
    createPool: opts.createPool ?? createPool,
    metrics,
    log: opts.log,
    // The same cap the routes check, enforced once more where every request meets the model.
    pixelCap: (info) => plan(info).cap.maxPixels,
  });
  const state: DaemonState = { shuttingDown: false };
  const ctx: ServeContext = { repository, plan, metrics, images, options: opts, state };

  const timeouts = connectionTimeouts(opts.timeoutMs);
  const tls = opts.tls ? loadTls(opts.tls) : undefined;
  const app = Fastify({
    ...(tls ? { https: tls } : {}),
    ...(opts.accessLog ? { loggerInstance: opts.accessLog, disableRequestLogging: true } : { logger: false }),
    bodyLimit: maxBodyBytes(opts),
    // Idle keep-alive connections close at once on shutdown; busy ones finish their request.
    forceCloseConnections: 'idle',
    // Requests during a stop get our 503 (shutdown.ts), with the KServe body and Retry-After.
    return503OnClosing: false,
    // Slow clients (slowloris) cannot hold connections: see connectionTimeouts().
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      connectionsCheckingInterval: timeouts.checkEveryMs,
    },
    clientErrorHandler: (err, socket) => logRefused(opts.accessLog, answerClientError(err, socket, timeouts, metrics)),
  });

  // One parser for everything: routes get the raw bytes and check the Content-Type themselves.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // gzip / deflate bodies reach that parser decoded, held to the same limit (body-encoding.ts).
  app.addHook('preParsing', bodyDecoder(maxBodyBytes(opts)));

  if (opts.accessLog) accessLogHooks(app);
  exposureHooks(app, opts);
  if (opts.token) {
    const check = bearerChecker(opts.token);
    app.addHook('onRequest', async (req) => {
      if (!isPublicPath(req.url)) check(req.headers.authorization);
    });
  }

  refuseWhileStopping(app, state);
  const grace = acceptGrace(app.server);

  // While shutting down, answers close their keep-alive connection so close() is not left waiting.
  app.addHook('onSend', async (_req, reply, payload) => {
    if (state.shuttingDown) reply.header('connection', 'close');
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, method: req.method, status: String(reply.statusCode) });
    metrics.requestSeconds.observe({ route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body, retryAfterS } = toHttpError(err, opts);
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    if (retryAfterS !== undefined) reply.header('retry-after', String(retryAfterS));
    if (status >= 500 && status !== 503 && status !== 504) {
      opts.log(`${req.method} ${req.url.slice(0, 200)} -> ${status} [${body.code}] ${body.error}`);
      if (opts.debug && err instanceof Error && err.stack) opts.log(err.stack);
    }
    // Server-side failures: the log above (or the repository's) has the whole message; clients get it without paths or C++ frames.
    if (status >= 500) body.error = clientMessage(body.error);
    return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
  });

  const routeList =
    'POST /v1/models/{name}/generate, POST /v2/models/{name}/infer, GET /v2/models/{name}, GET /v2/health/ready, GET /metrics';
  app.setNotFoundHandler((req) => {
    throw new GcError('E_NOT_FOUND', `no route ${req.method} ${req.url.split('?', 1)[0]!.slice(0, 120)}`, {
      hint: `routes: ${routeList}${opts.demo ? ', the demo page at /' : ''}`,
    });
  });

  const methods = routeMethods(app);
  healthRoutes(app, ctx);
  modelRoutes(app, ctx);
  generateRoutes(app, ctx);
  inferRoutes(app, ctx);
  repositoryRoutes(app, ctx);
  metricsRoutes(app, ctx);
  paletteRoutes(app);
  if (opts.demo) demoRoutes(app);
  methodNotAllowedRoutes(app, methods);
  streamRoutes(app, ctx); // a scope of its own (the WebSocket plugin), registered at ready

  const grpc = opts.grpcPort !== undefined ? createGrpcEndpoint(ctx, tls) : undefined;
  let grpcBound: number | undefined;
  let closing: Promise<void> | undefined;
  return {
    app,
    repository,
    metrics,
    options: opts,
    async listen() {
      try {
        await app.listen({ host: opts.host, port: opts.port });
      } catch (e) {
        throw listenError(e, opts.host, opts.port);
      }
      if (grpc && opts.grpcPort !== undefined) {
        grpcBound = await grpc.listen(opts.host, opts.grpcPort).catch(async (e: unknown) => {
          await app.close();
          throw e;
        });
      }
      const addr = app.server.address();
      if (!addr || typeof addr === 'string') return String(addr);
      const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      return `${tls ? 'https' : 'http'}://${host}:${addr.port}`;
    },
    grpcPort: () => grpcBound,
    loadModels: () => repository.loadAll(),
    reloadAll: () => repository.reloadAll(),
    close() {
      if (!closing) {
        state.shuttingDown = true;
        closing = (async () => {
          await grace.drained();
          await Promise.all([app.close(), grpc?.close()]);
          await repository.close();
        })();
      }
      return closing;
    },
    stop() {
      state.shuttingDown = true;
      return repository.stop();
    },
  };
}

const ALL_METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const ANSWERS_405 = { gcMethodNotAllowed: true };

/** Collects the methods of every route registered from now on, by URL pattern. */
function routeMethods(app: FastifyInstance): Map<string, Set<string>> {
  const byUrl = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    if ((route.config as typeof ANSWERS_405 | undefined)?.gcMethodNotAllowed) return;
    const set = byUrl.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) set.add(m.toUpperCase());
    if (set.has('GET')) set.add('HEAD'); // fastify answers HEAD for every GET route
    byUrl.set(route.url, set);
  });
  return byUrl;
}

/** A known route with another method: 405 with `Allow`, rather than 404. */
function methodNotAllowedRoutes(app: FastifyInstance, byUrl: Map<string, Set<string>>): void {
  for (const [url, allowed] of byUrl) {
    const others = ALL_METHODS.filter((m) => !allowed.has(m));
    if (others.length === 0) continue;
    const allow = ALL_METHODS.filter((m) => allowed.has(m)).join(', ');
    app.route({
      method: [...others],
      url,
      config: ANSWERS_405,
      handler: async (req, reply) => {
        reply.header('allow', allow);
        throw new GcError('E_METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url}; it takes ${allow}`);
      },
    });
  }
}
