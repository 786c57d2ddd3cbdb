/**
 * Liveness and readiness (KServe v2 health API), and server metadata. Never behind the token. The
 * checks are functions gRPC's ServerReady and ServerMetadata (../grpc/service.ts) call too.
 */
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';
import type { ServeContext } from '../context';
import { SERVER_NAME, SERVER_VERSION } from '../version';

/**
 * The protocol extensions gc-serve implements, as Triton names them: the repository extension (index,
 * load, unload: routes/repository.ts) and binary tensor data (kserve-binary.ts). Nothing else is
 * claimed (no shared memory, statistics, trace, logging, model configuration, schedule policy).
 */
const SERVER_EXTENSIONS: readonly string[] = ['model_repository', 'binary_tensor_data'];

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
  // A model unloaded by request is not one the daemon means to serve (as in Triton); none left loaded is not ready.
  const loaded = ctx.repository.all.filter((s) => s.state !== 'unloaded');
  if (loaded.length === 0) {
    throw new GcError('E_NOT_READY', 'not ready: every model is unloaded', { hint: 'POST /v2/repository/models/{name}/load' });
  }
  const waiting = loaded.filter((s) => !s.ready);
  if (waiting.length > 0) {
    const what = waiting.map((s) => `'${s.name}' ${s.notReadyReason ?? 'not ready'}`);
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
    extensions: [...SERVER_EXTENSIONS],
    models: ctx.repository.all.map((s) => ({ name: s.name, state: s.state })),
  };
}
