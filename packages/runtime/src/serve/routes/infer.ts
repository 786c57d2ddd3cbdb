/**
 * POST /v2/models/{name}/infer (and .../versions/1/infer): the KServe v2 inference protocol, JSON
 * tensors or the binary tensor data extension (what Triton's and KServe's clients send by default).
 * Body framing in ../kserve-binary.ts, tensor checks in ../kserve.ts, the size rules and the pixel
 * cap from the model's plan (../model-plan.ts); the output check and the run are shared with gRPC's
 * ModelInfer (../v2-infer.ts). A request holds its place in the model's queue before its body is
 * parsed (../run-model.ts `admit`); large JSON bodies are parsed, and large JSON answers written,
 * off the event loop, a bounded number of large bodies at once (../infer-body.ts).
 */
import type { FastifyInstance, preParsingHookHandler } from 'fastify';
import type { ServeContext } from '../context';
import { InferBodyReader, declaredLength, jsonLengthOf } from '../infer-body';
import { INFERENCE_HEADER_LENGTH } from '../kserve-binary';
import { requireVersion } from '../model-version';
import { admit, deadlineOf, serverTiming } from '../run-model';
import { checkRequestedOutputs, runV2 } from '../v2-infer';
import { maxBodyBytes } from '../options';

/** `version` is set on `/v2/models/{name}/versions/{v}/infer`. */
interface ModelParams {
  name: string;
  version?: string;
}

export function inferRoutes(app: FastifyInstance, ctx: ServeContext): void {
  const bodies = new InferBodyReader();
  app.addHook('onClose', () => bodies.close());
  const drainSeconds = (name: string): number => ctx.repository.all.find((m) => m.name === name)?.scheduler?.drainSeconds ?? 1;

  // A body whose Content-Length says it is large takes its large-body place before it is read.
  const preParsing: preParsingHookHandler = (req, reply, payload, done) => {
    const declared = declaredLength(req.headers['content-length']);
    try {
      bodies.hold(reply.raw, jsonLengthOf(req.headers[INFERENCE_HEADER_LENGTH], declared), drainSeconds((req.params as ModelParams).name));
    } catch (e) {
      done(e as Error);
      return;
    }
    done(null, payload);
  };

  for (const url of ['/v2/models/:name/infer', '/v2/models/:name/versions/:version/infer']) {
    app.post<{ Params: ModelParams }>(url, { preParsing }, async (req, reply) => {
      const deadlineAt = deadlineOf(req.headers, ctx.options.timeoutMs);
      const slot = ctx.repository.get(req.params.name);
      requireVersion(slot.name, req.params.version);
      const { model, scheduler } = slot.requireReady();
      const info = model.info;
      const plan = ctx.plan(info);
      const headerLength = req.headers[INFERENCE_HEADER_LENGTH];
      // Before any parsing: a large body takes one of the few large-body places until it is answered,
      // and every request a place in the model's queue (runModel spends it).
      const size = Buffer.isBuffer(req.body) ? req.body.length : undefined;
      bodies.hold(reply.raw, jsonLengthOf(headerLength, size), scheduler.drainSeconds);
      const place = admit(slot);

      const t0 = performance.now();
      const limits = { maxBodyBytes: maxBodyBytes(ctx.options), pixelCap: plan.cap };
      const request = await bodies
        .read(req.headers['content-type'], headerLength, req.body, { model: slot.name, inputs: plan.inputs, limits })
        .then((r) => {
          checkRequestedOutputs(slot.name, info, r);
          return r;
        })
        .catch((e: unknown) => {
          place.release();
          throw e;
        });
      const preprocessMs = performance.now() - t0;
      ctx.metrics.observeStage(slot.name, 'preprocess', preprocessMs / 1000);

      const crash = ctx.options.testCrashHook && req.headers['x-gc-test-crash'] === '1';
      const run = await runV2(ctx, slot, request, deadlineAt, { crash, place });

      const t1 = performance.now();
      const written = await bodies.answer(slot.name, request, run.outputs);
      const body = Buffer.from(written.body.buffer, written.body.byteOffset, written.body.byteLength);
      const postprocessMs = performance.now() - t1;
      ctx.metrics.observeStage(slot.name, 'postprocess', postprocessMs / 1000);

      const stages = { preprocess: preprocessMs, queue: run.queueMs, inference: run.inferenceMs, postprocess: postprocessMs };
      return reply.headers(written.headers).header('server-timing', serverTiming(stages)).send(body);
    });
  }
}
