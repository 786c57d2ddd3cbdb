/**
 * One generate call, whatever carried it: an encoded image (or label map) in, the generated image
 * out, with its stage timings. The HTTP route (routes/generate.ts) and the demo's WebSocket stream
 * (routes/stream.ts) both call {@link generateImage}, so both get the same checks, limits, queue and
 * metrics. Stages: preprocess (decode, resize/crop or label-map encoding, to tensor), queue,
 * inference, postprocess (crop, to pixels and PNG in the worker that ran the model,
 * worker/answer.ts; JPEG/WebP then encoded here), each timed into the metrics. The call holds its
 * place in the model's queue before the image is decoded (run-model.ts `admit`).
 */
import { GcError } from '@gc-edge/core';
import type { ServeContext } from './context';
import { negotiateImageFormat } from '../image/accept';
import { IMAGE_MIME, type ImageFormat } from '../image/types';
import { asInputShapeError } from './input-rules';
import { generateBody, prepareGenerate } from './model-input';
import { type ModelRun, admit, runModel } from './run-model';
import { type AnswerSpec, makeAnswers } from '../worker/answer';
import { fromWire } from '../worker/wire-error';

/** What of a request a generate call reads. */
export interface GenerateCall {
  readonly model: string;
  readonly body: unknown;
  readonly contentType: string | undefined;
  /** Query parameters (label maps: `dontcare`). */
  readonly query: unknown;
  readonly accept: string | undefined;
  /** Epoch ms by which it must be answered (run-model.ts `deadlineOf`). */
  readonly deadlineAt: number;
  /** Test-only crash hook (serve/README.md). */
  readonly crash?: boolean;
}

export interface GeneratedImage {
  readonly data: Buffer;
  readonly mime: string;
  /** ms per stage: preprocess, queue, inference, postprocess. */
  readonly stages: { preprocess: number; queue: number; inference: number; postprocess: number };
  /** The execution provider the model runs on. */
  readonly provider: string;
}

/**
 * Runs one generate call. Client mistakes throw GcErrors with 4xx codes, in the order the HTTP
 * route always checked them: unknown model, body type, Accept, model not ready, the body itself.
 */
export async function generateImage(ctx: ServeContext, call: GenerateCall): Promise<GeneratedImage> {
  const slot = ctx.repository.get(call.model);
  const body = generateBody(call.contentType, call.body);
  const format = outputFormat(call.accept);
  const { model } = slot.requireReady();

  // A full queue refuses the call here, before its image is decoded; runModel spends the place.
  const place = admit(slot);
  const t0 = performance.now();
  const input = { body, contentType: call.contentType, query: call.query };
  const prepared = await prepareGenerate(ctx, slot.name, ctx.plan(model.info), input).catch((e: unknown) => {
    place.release();
    throw e;
  });
  const preprocessMs = performance.now() - t0;
  ctx.metrics.observeStage(slot.name, 'preprocess', preprocessMs / 1000);

  const [, , height = 0, width = 0] = prepared.tensor.dims;
  const dims = `[${prepared.tensor.dims.join(',')}]`;
  // The worker makes the answer's image itself (PNG entire; RGB bytes for JPEG/WebP, encoded here).
  const answer: AnswerSpec = {
    output: prepared.output,
    ...(prepared.crop ? { crop: { region: prepared.crop, from: [height, width] as const } } : {}),
    ...(format === 'png' ? { pngLevel: ctx.options.pngLevel } : {}),
  };
  const run = await runModel(ctx, slot, { [prepared.input]: prepared.tensor }, call.deadlineAt, {
    crash: call.crash ?? false,
    answer,
    place,
  }).catch((e: unknown) => {
    throw asInputShapeError(e, slot.name, `an input of shape ${dims}`);
  });

  const t1 = performance.now();
  const encoded = await encodeAnswer(ctx, run, answer, format);
  const postprocessMs = (run.answer?.kind === 'error' ? 0 : (run.answer?.ms ?? 0)) + performance.now() - t1;
  ctx.metrics.observeStage(slot.name, 'postprocess', postprocessMs / 1000);
  return {
    ...encoded,
    stages: { preprocess: preprocessMs, queue: run.queueMs, inference: run.inferenceMs, postprocess: postprocessMs },
    provider: model.provider,
  };
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
