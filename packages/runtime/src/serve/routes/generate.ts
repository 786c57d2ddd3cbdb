/**
 * POST /v1/models/{name}/generate: an encoded image in (PNG/JPEG/WebP body; a label map PNG for
 * models whose contract says they take one, see ../model-input.ts), the generated image out, encoded per `Accept` (PNG by
 * default). Stages: preprocess (decode, resize/crop or label-map encoding, to tensor), queue,
 * inference, postprocess (crop, to pixels and PNG in the worker that ran the model, worker/answer.ts;
 * JPEG/WebP then encoded here), each timed into the metrics and the `Server-Timing` header. The
 * request holds its place in the model's queue before the image is decoded (../run-model.ts `admit`).
 */
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';
import type { ServeContext } from '../context';
import { negotiateImageFormat } from '../../image/accept';
import { IMAGE_MIME, type ImageFormat } from '../../image/types';
import { asInputShapeError } from '../input-rules';
import { generateBody, prepareGenerate } from '../model-input';
import { type ModelRun, admit, deadlineOf, runModel, serverTiming } from '../run-model';
import { type AnswerSpec, makeAnswers } from '../../worker/answer';
import { fromWire } from '../../worker/wire-error';

interface NameParams {
  name: string;
}

export function generateRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.post<{ Params: NameParams }>('/v1/models/:name/generate', async (req, reply) => {
    const deadlineAt = deadlineOf(req.headers, ctx.options.timeoutMs);
    const slot = ctx.repository.get(req.params.name);
    const contentType = req.headers['content-type'];
    const body = generateBody(contentType, req.body);
    const format = outputFormat(req.headers.accept);
    const { model } = slot.requireReady();

    // A full queue refuses the request here, before its image is decoded; runModel spends the place.
    const place = admit(slot);
    const t0 = performance.now();
    const prepared = await prepareGenerate(ctx, slot.name, ctx.plan(model.info), { body, contentType, query: req.query }).catch(
      (e: unknown) => {
        place.release();
        throw e;
      },
    );
    const preprocessMs = performance.now() - t0;
    ctx.metrics.observeStage(slot.name, 'preprocess', preprocessMs / 1000);

    const crash = ctx.options.testCrashHook && req.headers['x-gc-test-crash'] === '1';
    const [, , height = 0, width = 0] = prepared.tensor.dims;
    const dims = `[${prepared.tensor.dims.join(',')}]`;
    // The worker makes the answer's image itself (PNG entire; RGB bytes for JPEG/WebP, encoded here).
    const answer: AnswerSpec = {
      output: prepared.output,
      ...(prepared.crop ? { crop: { region: prepared.crop, from: [height, width] as const } } : {}),
      ...(format === 'png' ? { pngLevel: ctx.options.pngLevel } : {}),
    };
    const feeds = { [prepared.input]: prepared.tensor };
    const run = await runModel(ctx, slot, feeds, deadlineAt, { crash, answer, place }).catch((e: unknown) => {
      throw asInputShapeError(e, slot.name, `an input of shape ${dims}`);
    });

    const t1 = performance.now();
    const encoded = await encodeAnswer(ctx, run, answer, format);
    const postprocessMs = (run.answer?.kind === 'error' ? 0 : (run.answer?.ms ?? 0)) + performance.now() - t1;
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

/**
 * The answer's bytes: the worker's PNG as it is, or its RGB bytes encoded here (JPEG/WebP). A pool
 * that made no answer (any InferencePool may not) returned the floats: the answer is made here from
 * them, with the worker's own code.
 */
async function encodeAnswer(
  ctx: ServeContext,
  run: ModelRun,
  spec: AnswerSpec,
  format: ImageFormat,
): Promise<{ data: Buffer; mime: string }> {
  const made = run.answer ?? makeAnswers(run.outputs, { sizes: [1], specs: [spec] })[0]!;
  if (made.kind === 'error') throw fromWire(made.error);
  if (made.kind === 'png') return { data: Buffer.from(made.data.buffer, made.data.byteOffset, made.data.byteLength), mime: IMAGE_MIME.png };
  return ctx.images.encodeRgb({ data: made.data, width: made.width, height: made.height }, format);
}

/**
 * The format the Accept header asks for (PNG when it says nothing); E_NOT_ACCEPTABLE when none fits.
 * `image/jpg` (not a registered type, but common) means JPEG, as it does in Content-Type.
 */
function outputFormat(accept: string | undefined): ImageFormat {
  const format = negotiateImageFormat(accept?.replace(/\bimage\/jpg(?=\s*(?:[;,]|$))/gi, 'image/jpeg'));
  if (!format) {
    throw new GcError('E_NOT_ACCEPTABLE', `Accept '${(accept ?? '').slice(0, 80)}' allows none of ${Object.values(IMAGE_MIME).join(', ')}`);
  }
  return format;
}
