/**
 * Liveness and readiness (KServe v2 health API), and server metadata. Never behind the token. The
 * checks are functions gRPC's ServerReady and ServerMetadata (../grpc/service.ts) call too.
 */
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';
import type { ServeContext } from '../context';
import { SERVER_NAME, SERVER_VERSION } from '../version';

export function healthRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.get('/v2/health/live', async () => ({ live: true }));

  app.get('/v2/health/ready', async () => {
    requireServerReady(ctx);
    return { ready: true };
  });

  app.get('/v2', async () => serverMetadata(ctx));
}

/** Throws E_SHUTTING_DOWN while stopping, E_NOT_READY while a model is loading or failed. */
export function requireServerReady(ctx: ServeContext): void {
  if (ctx.state.shuttingDown) throw new GcError('E_SHUTTING_DOWN', 'shutting down');
  const waiting = ctx.repository.all.filter((s) => !s.ready);
  if (waiting.length > 0) {
    const what = waiting.map((s) => `'${s.name}' ${s.state === 'failed' ? `failed: ${s.lastError?.message ?? ''}` : 'loading'}`);
    throw new GcError('E_NOT_READY', `not ready: ${what.join('; ')}`);
  }
}

export function serverMetadata(ctx: ServeContext): {
  name: string;
  version: string;
  extensions: string[];
  models: { name: string; state: string }[];
} {
  return {
    name: SERVER_NAME,
    version: SERVER_VERSION,
    extensions: ['model_repository', 'binary_tensor_data'],
    models: ctx.repository.all.map((s) => ({ name: s.name, state: s.state })),
  };
}
