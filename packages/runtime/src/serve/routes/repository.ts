/**
 * The model repository extension (KServe v2 / Triton): `POST /v2/repository/index` (every model, its
 * version and state) and `POST /v2/repository/models/{name}/unload` (refuse new requests, let those
 * in flight finish, end the workers). Load is in models.ts. The data is ../repository-index.ts.
 */
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';
import type { ServeContext } from '../context';
import { indexRequest, repositoryIndex } from '../repository-index';

interface NameParams {
  name: string;
}

export function repositoryRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.post('/v2/repository/index', async (req) => repositoryIndex(ctx.repository, indexRequest(req.body)));

  app.post<{ Params: NameParams }>('/v2/repository/models/:name/unload', async (req) => {
    if (ctx.state.shuttingDown) throw new GcError('E_SHUTTING_DOWN', 'shutting down; the models are being unloaded already');
    const slot = ctx.repository.get(req.params.name);
    await slot.unload();
    return { name: slot.name, state: 'UNAVAILABLE', reason: 'unloaded' };
  });
}
