/**
 * POST /v1/models/{name}/generate: an encoded image in (PNG/JPEG/WebP body; a label map PNG for
 * models whose contract says they take one, see ../model-input.ts), the generated image out, encoded
 * per `Accept` (PNG by default), with the stages (../generate-image.ts) in the `Server-Timing` header.
 */
import type { FastifyInstance } from 'fastify';
import type { ServeContext } from '../context';
import { generateImage } from '../generate-image';
import { deadlineOf, serverTiming } from '../run-model';

interface NameParams {
  name: string;
}

export function generateRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.post<{ Params: NameParams }>('/v1/models/:name/generate', async (req, reply) => {
    const deadlineAt = deadlineOf(req.headers, ctx.options.timeoutMs);
    const made = await generateImage(ctx, {
      model: req.params.name,
      body: req.body,
      contentType: req.headers['content-type'],
      query: req.query,
      accept: req.headers.accept,
      deadlineAt,
      crash: ctx.options.testCrashHook && req.headers['x-gc-test-crash'] === '1',
    });
    return reply
      .header('content-type', made.mime)
      .header('vary', 'Accept')
      .header('server-timing', serverTiming(made.stages))
      .send(made.data);
  });
}
