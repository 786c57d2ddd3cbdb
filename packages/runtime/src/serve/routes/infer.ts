/**
 * POST /v2/models/{name}/infer: the KServe v2 inference protocol with JSON tensors, so Triton and
 * KServe clients work unchanged. Body parsing and checks in ../kserve.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GcError } from '@gc-edge/exporter';
import type { ServeContext } from '../context';
import { buildInferResponse, parseInferRequest } from '../kserve';
import { deadlineOf, runModel, serverTiming } from '../run-model';

interface NameParams {
  name: string;
}

export function inferRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.post<{ Params: NameParams }>('/v2/models/:name/infer', async (req, reply) => {
    const deadlineAt = deadlineOf(req.headers, ctx.options.timeoutMs);
    const slot = ctx.repository.get(req.params.name);
    const json = jsonBody(req);
    const { model } = slot.requireReady();

    const t0 = performance.now();
    const request = parseInferRequest(json, slot.name, model.info.inputs);
    for (const name of request.outputs ?? []) {
      if (!model.info.outputs.some((o) => o.name === name)) {
        const known = model.info.outputs.map((o) => `'${o.name}'`).join(', ');
        throw new GcError('E_BAD_REQUEST', `outputs: model '${slot.name}' has no output '${name}'; its outputs are ${known}`);
      }
    }
    const preprocessMs = performance.now() - t0;
    ctx.metrics.observeStage(slot.name, 'preprocess', preprocessMs / 1000);

    const crash = ctx.options.testCrashHook && req.headers['x-gc-test-crash'] === '1';
    const run = await runModel(ctx, slot, request.feeds, deadlineAt, crash);

    const t1 = performance.now();
    const body = JSON.stringify(buildInferResponse(slot.name, request, run.outputs));
    const postprocessMs = performance.now() - t1;
    ctx.metrics.observeStage(slot.name, 'postprocess', postprocessMs / 1000);

    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header(
        'server-timing',
        serverTiming({ preprocess: preprocessMs, queue: run.queueMs, inference: run.inferenceMs, postprocess: postprocessMs }),
      )
      .send(body);
  });
}

/** The parsed JSON body; E_MEDIA_TYPE for non-JSON Content-Types, E_BAD_REQUEST for malformed JSON. */
function jsonBody(req: FastifyRequest): unknown {
  const type = (req.headers['content-type'] ?? 'application/json').split(';', 1)[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new GcError('E_MEDIA_TYPE', `Content-Type '${type.slice(0, 80)}' is not JSON; the v2 protocol takes application/json`, {
      hint: "with curl: -H 'Content-Type: application/json'",
    });
  }
  const body = req.body;
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : '';
  if (text.trim() === '') throw new GcError('E_BAD_REQUEST', 'request body is empty; send a v2 inference request (JSON)');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new GcError('E_BAD_REQUEST', `request body is not valid JSON: ${(e as Error).message}`);
  }
}
