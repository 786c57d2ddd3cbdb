/**
 * POST /v1/models/{name}/generate: an encoded image in (PNG/JPEG/WebP body), the generated image
 * out, encoded per `Accept` (PNG by default). Stages: preprocess (decode, orient, resize/crop, to
 * tensor), queue, inference, postprocess (to pixels, encode), each timed into the metrics and the
 * `Server-Timing` header.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GcError } from '@gc-edge/exporter';
import type { ServeContext } from '../context';
import { formatFromContentType, negotiateImageFormat } from '../../image/accept';
import { IMAGE_MIME, type ImageFormat } from '../../image/types';
import { deadlineOf, runModel, serverTiming } from '../run-model';
import { imageInputOf } from '../image-input';

interface NameParams {
  name: string;
}

export function generateRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.post<{ Params: NameParams }>('/v1/models/:name/generate', async (req, reply) => {
    const deadlineAt = deadlineOf(req.headers, ctx.options.timeoutMs);
    const slot = ctx.repository.get(req.params.name);
    const body = imageBody(req);
    const format = outputFormat(req.headers.accept);
    const { model } = slot.requireReady();
    const input = imageInputOf(slot.name, model.info);

    const t0 = performance.now();
    const image = await ctx.images.decode(body, {
      ...(input.height !== undefined && input.width !== undefined ? { width: input.width, height: input.height } : {}),
      policy: ctx.options.resizePolicy,
      maxPixels: ctx.options.maxPixels,
    });
    const preprocessMs = performance.now() - t0;
    ctx.metrics.observeStage(slot.name, 'preprocess', preprocessMs / 1000);

    const crash = ctx.options.testCrashHook && req.headers['x-gc-test-crash'] === '1';
    const run = await runModel(ctx, slot, { [input.name]: image.tensor }, deadlineAt, crash);
    const output = run.outputs[input.output];
    if (!output) throw new GcError('E_INTERNAL', `model '${slot.name}' returned no '${input.output}'`);

    const t1 = performance.now();
    const encoded = await ctx.images.encode(output, format);
    const postprocessMs = performance.now() - t1;
    ctx.metrics.observeStage(slot.name, 'postprocess', postprocessMs / 1000);

    return reply
      .header('content-type', encoded.mime)
      .header('vary', 'Accept')
      .header(
        'server-timing',
        serverTiming({ preprocess: preprocessMs, queue: run.queueMs, inference: run.inferenceMs, postprocess: postprocessMs }),
      )
      .send(encoded.data);
  });
}

/** The raw body of an image request; E_MEDIA_TYPE for any other Content-Type, E_IMAGE when empty. */
function imageBody(req: FastifyRequest): Buffer {
  if (formatFromContentType(req.headers['content-type']) === undefined) {
    const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim();
    const given = type === '' ? 'no Content-Type' : `Content-Type '${type.slice(0, 80)}'`;
    throw new GcError('E_MEDIA_TYPE', `${given} is not an image this route takes; send one of ${Object.values(IMAGE_MIME).join(', ')}`);
  }
  const body = req.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw new GcError('E_IMAGE', 'request body is empty; send the encoded image');
  return body;
}

/** The format the Accept header asks for (PNG when it says nothing); E_NOT_ACCEPTABLE when none fits. */
function outputFormat(accept: string | undefined): ImageFormat {
  const format = negotiateImageFormat(accept);
  if (!format) {
    throw new GcError('E_NOT_ACCEPTABLE', `Accept '${(accept ?? '').slice(0, 80)}' allows none of ${Object.values(IMAGE_MIME).join(', ')}`);
  }
  return format;
}
