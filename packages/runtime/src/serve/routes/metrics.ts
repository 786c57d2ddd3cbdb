/** GET /metrics: Prometheus text exposition of the daemon's registry. */
import type { FastifyInstance } from 'fastify';
import type { ServeContext } from '../context';

export function metricsRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await ctx.metrics.text();
    return reply.header('content-type', contentType).send(body);
  });
}
