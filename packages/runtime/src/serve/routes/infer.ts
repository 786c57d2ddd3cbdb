/**
 * POST /v2/models/{name}/infer (and .../versions/1/infer): the KServe v2 inference protocol, JSON tensors or the binary tensor
 * data extension (what Triton's and KServe's clients send by default). Body framing in
 * ../kserve-binary.ts; the inference itself, shared with gRPC's ModelInfer, in ../v2-infer.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ServeContext } from '../context';
import { requireVersion } from '../model-version';
import { INFERENCE_HEADER_LENGTH, encodeInferResponse, readInferBody } from '../kserve-binary';
import { deadlineOf, serverTiming } from '../run-model';
import { inferV2 } from '../v2-infer';

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
    const crash = ctx.options.testCrashHook && req.headers['x-gc-test-crash'] === '1';
    const result = await inferV2(ctx, slot, json, binary, deadlineAt, { crash });

    const t = performance.now();
    const { body, headers } = encodeInferResponse(result.response, result.binary);
    const stages = { ...result.stages, postprocess: result.stages.postprocess + (performance.now() - t) };
    return reply.headers(headers).header('server-timing', serverTiming(stages)).send(body);
  });
}
