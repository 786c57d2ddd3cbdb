/** Liveness and readiness (KServe v2 health API), and server metadata. Never behind the token. */
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';
import type { ServeContext } from '../context';
import { SERVER_NAME, SERVER_VERSION } from '../version';

export function healthRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.get('/v2/health/live', async () => ({ live: true }));

  app.get('/v2/health/ready', async () => {
    if (ctx.state.shuttingDown) throw new GcError('E_SHUTTING_DOWN', 'shutting down');
    // A model answers once loaded and while at least one of its workers is live.
    const waiting = ctx.repository.all.filter((s) => !s.ready);
    if (waiting.length > 0) {
      const what = waiting.map((s) => `'${s.name}' ${s.notReadyReason ?? 'not ready'}`);
      throw new GcError('E_NOT_READY', `not ready: ${what.join('; ')}`);
    }
    return { ready: true };
  });

  app.get('/v2', async () => ({
    name: SERVER_NAME,
    version: SERVER_VERSION,
    extensions: ['model_repository', 'binary_tensor_data'],
    models: ctx.repository.all.map((s) => ({ name: s.name, state: s.state })),
  }));
}
