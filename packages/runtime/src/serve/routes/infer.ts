/**
 * POST /v2/models/{name}/infer (and .../versions/1/infer): the KServe v2 inference protocol, JSON tensors or the binary tensor
 * data extension (what Triton's and KServe's clients send by default). Body framing in
 * ../kserve-binary.ts, tensor checks in ../kserve.ts, the size rules and the pixel cap from the model's plan (../model-plan.ts).
 */
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';
import type { ServeContext } from '../context';
import { asInputShapeError } from '../input-rules';
import { buildInferResponse, parseInferRequest } from '../kserve';
import { requireVersion } from '../model-version';
import { INFERENCE_HEADER_LENGTH, encodeInferResponse, readInferBody } from '../kserve-binary';
import { deadlineOf, runModel, serverTiming } from '../run-model';

/** `version` is set on `/v2/models/{name}/versions/{v}/infer`. */
interface ModelParams {
  name: string;
  version?: string;
}

export function inferRoutes(app: FastifyInstance, ctx: ServeContext): void {
  for (const url of ['/v2/models/:name/infer', '/v2/models/:name/versions/:version/infer']) inferRoute(app, ctx, url);
}

function inferRoute(app: FastifyInstance, ctx: ServeContext, url: string): void {
  app.post<{ Params: ModelParams }>(url, async (req, reply) => {
    const deadlineAt = deadlineOf(req.headers, ctx.options.timeoutMs);
    const slot = ctx.repository.get(req.params.name);
    requireVersion(slot.name, req.params.version);
    const { json, binary } = readInferBody(req.headers['content-type'], req.headers[INFERENCE_HEADER_LENGTH], req.body);
    const { model } = slot.requireReady();
    const info = model.info;
    const plan = ctx.plan(info);

    const t0 = performance.now();
    const limits = { maxBodyBytes: Math.floor(ctx.options.maxBodyMb * 1024 * 1024), pixelCap: plan.cap };
    const request = parseInferRequest(json, slot.name, plan.inputs, limits, binary);
    for (const name of request.outputs ?? []) {
      if (!info.outputs.some((o) => o.name === name)) {
        const known = info.outputs.map((o) => `'${o.name}'`).join(', ');
        throw new GcError('E_BAD_REQUEST', `outputs: model '${slot.name}' has no output '${name}'; its outputs are ${known}`);
      }
    }
    const preprocessMs = performance.now() - t0;
    ctx.metrics.observeStage(slot.name, 'preprocess', preprocessMs / 1000);

    const crash = ctx.options.testCrashHook && req.headers['x-gc-test-crash'] === '1';
    const shapes = Object.entries(request.feeds).map(([name, t]) => `'${name}' [${t.dims.join(',')}]`).join(', ');
    const run = await runModel(ctx, slot, request.feeds, deadlineAt, { crash }).catch((e: unknown) => {
      throw asInputShapeError(e, slot.name, shapes);
    });

    const t1 = performance.now();
    const built = buildInferResponse(slot.name, request, run.outputs);
    const { body, headers } = encodeInferResponse(built.response, built.binary);
    const postprocessMs = performance.now() - t1;
    ctx.metrics.observeStage(slot.name, 'postprocess', postprocessMs / 1000);

    return reply
      .headers(headers)
      .header(
        'server-timing',
        serverTiming({ preprocess: preprocessMs, queue: run.queueMs, inference: run.inferenceMs, postprocess: postprocessMs }),
      )
      .send(body);
  });
}
