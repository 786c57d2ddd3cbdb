/**
 * gc-serve's KServe v2 gRPC endpoint (`--grpc-port`): a @grpc/grpc-js server beside fastify, over
 * the same repository, queues, limits, token and metrics. Each call: the bearer token from the
 * `authorization` metadata (except ServerLive / ServerReady, as /v2/health/* over HTTP), the
 * deadline (the call's own, never beyond --timeout-ms), the handler (service.ts), and errors as
 * gRPC statuses with the same messages as HTTP (grpc-status.ts). Calls are counted in
 * `gc_serve_requests_total` with the RPC's path as `route`, method `GRPC`, and the HTTP status the
 * same answer gets over HTTP, so one alert on 5xx covers both transports.
 */
import { Server, ServerCredentials, type ServerUnaryCall, type UntypedServiceImplementation, type sendUnaryData } from '@grpc/grpc-js';
import { GcError } from '@gc-edge/core';
import { bearerChecker } from '../auth';
import type { ServeContext } from '../context';
import type { TlsMaterial } from '../tls';
import { toGrpcError } from './grpc-status';
import { HANDLERS, PUBLIC_RPCS } from './service';
import { SERVICE_NAME, loadInferenceService } from './proto';
import { maxBodyBytes } from '../options';

export interface GrpcEndpoint {
  /** Binds host:port; resolves with the port bound (the one given, or a free one for 0). */
  listen(host: string, port: number): Promise<number>;
  /** Stops taking calls and resolves once the calls in flight are answered. */
  close(): Promise<void>;
}

/** `tls`: the HTTP port's certificate and key (--tls-cert / --tls-key), so both transports are encrypted or neither. */
export function createGrpcEndpoint(ctx: ServeContext, tls?: TlsMaterial): GrpcEndpoint {
  const maxBytes = maxBodyBytes(ctx.options);
  // A message over --max-body-mb is refused by grpc-js itself with RESOURCE_EXHAUSTED (HTTP's 413).
  const server = new Server({ 'grpc.max_receive_message_length': maxBytes, 'grpc.max_send_message_length': -1 });
  const check = ctx.options.token ? bearerChecker(ctx.options.token) : undefined;
  const implementation: UntypedServiceImplementation = {};
  for (const [rpc, handler] of Object.entries(HANDLERS)) {
    const route = `/${SERVICE_NAME}/${rpc}`;
    implementation[rpc] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const started = performance.now();
      const done = (status: number): void => {
        ctx.metrics.requests.inc({ route, method: 'GRPC', status: String(status) });
        ctx.metrics.requestSeconds.observe({ route }, (performance.now() - started) / 1000);
      };
      void (async () => {
        if (check && !PUBLIC_RPCS.has(rpc)) check(firstValue(call.metadata.get('authorization')));
        if (ctx.state.shuttingDown && !PUBLIC_RPCS.has(rpc)) throw new GcError('E_SHUTTING_DOWN', 'shutting down; not taking new calls');
        const info = {
          deadlineAt: deadlineOf(call.getDeadline(), ctx.options.timeoutMs),
          crash: ctx.options.testCrashHook && firstValue(call.metadata.get('x-gc-test-crash')) === '1',
        };
        return (handler as (c: ServeContext, r: unknown, i: typeof info) => Promise<object>)(ctx, call.request, info);
      })().then(
        (response) => {
          done(200);
          callback(null, response);
        },
        (e: unknown) => {
          const { error, httpStatus, gc } = toGrpcError(e);
          done(httpStatus);
          if (httpStatus >= 500 && httpStatus !== 503 && httpStatus !== 504) {
            ctx.options.log(`gRPC ${rpc} -> ${httpStatus} [${gc.code}] ${gc.message}`);
          }
          callback(error);
        },
      );
    };
  }
  server.addService(loadInferenceService().definition, implementation);

  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
        const credentials = tls
          ? ServerCredentials.createSsl(null, [{ cert_chain: tls.cert, private_key: tls.key }], false)
          : ServerCredentials.createInsecure();
        server.bindAsync(address, credentials, (err, bound) => {
          if (!err) return resolve(bound);
          reject(
            new GcError('E_LISTEN', `--grpc-port ${port}: cannot listen on ${address}: ${err.message}`, {
              hint: 'pick a free port for --grpc-port (other than --port), or 0 for any free one',
            }),
          );
        });
      }),
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** The call's deadline (Infinity when it set none), never beyond --timeout-ms from now. */
function deadlineOf(deadline: Date | number, timeoutMs: number): number {
  const asked = deadline instanceof Date ? deadline.getTime() : deadline;
  return Math.min(Date.now() + timeoutMs, asked);
}

function firstValue(values: unknown[]): string | undefined {
  const v = values[0];
  return typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}
