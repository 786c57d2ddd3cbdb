/**
 * One KServe v2 inference, whatever the transport: the request's tensors checked against the model
 * (kserve.ts), the outputs asked for checked, the run through the model's queue and worker
 * (run-model.ts), the response built, each stage timed into the metrics. The HTTP route
 * (routes/infer.ts) and the gRPC ModelInfer (grpc/service.ts) both call it with the request in the
 * v2 JSON shape (gRPC's raw contents as the binary data after it), so both answer bit for bit alike.
 */
import { GcError } from '@gc-edge/core';
import type { ServeContext } from './context';
import { asInputShapeError } from './input-rules';
import type { InferRequest } from './infer-body-thread';
import { type V2InferResponse, buildInferResponse, parseInferRequest } from './kserve';
import type { ModelSlot } from './repository';
import { runModel } from './run-model';
import type { ModelInfo } from '../session/types';
import { maxBodyBytes } from './options';

type RunOptions = Parameters<typeof runModel>[4];

export interface V2InferResult {
  readonly response: V2InferResponse;
  /** The outputs sent as raw bytes, in the order of `response.outputs` that carry `binary_data_size`. */
  readonly binary: Buffer[];
  /** Milliseconds of each stage, for Server-Timing. */
  readonly stages: { preprocess: number; queue: number; inference: number; postprocess: number };
}

export async function inferV2(
  ctx: ServeContext,
  slot: ModelSlot,
  json: unknown,
  binary: Buffer | undefined,
  deadlineAt: number,
  options: { readonly crash?: boolean } = {},
): Promise<V2InferResult> {
  const { model } = slot.requireReady();
  const info = model.info;
  const plan = ctx.plan(info);

  const t0 = performance.now();
  const limits = { maxBodyBytes: maxBodyBytes(ctx.options), pixelCap: plan.cap };
  const request = parseInferRequest(json, slot.name, plan.inputs, limits, binary);
  checkRequestedOutputs(slot.name, info, request);
  const preprocess = performance.now() - t0;
  ctx.metrics.observeStage(slot.name, 'preprocess', preprocess / 1000);

  const run = await runV2(ctx, slot, request, deadlineAt, options);

  const t1 = performance.now();
  const built = buildInferResponse(slot.name, request, run.outputs);
  const postprocess = performance.now() - t1;
  ctx.metrics.observeStage(slot.name, 'postprocess', postprocess / 1000);
  return { ...built, stages: { preprocess, queue: run.queueMs, inference: run.inferenceMs, postprocess } };
}

/** E_BAD_REQUEST when the request asks for an output the model does not have. */
export function checkRequestedOutputs(name: string, info: ModelInfo, request: Pick<InferRequest, 'outputs'>): void {
  for (const output of request.outputs ?? []) {
    if (!info.outputs.some((o) => o.name === output)) {
      const known = info.outputs.map((o) => `'${o.name}'`).join(', ');
      throw new GcError('E_BAD_REQUEST', `outputs: model '${name}' has no output '${output}'; its outputs are ${known}`);
    }
  }
}

/** The checked request through the model's queue and a worker; input dims onnxruntime refuses are 400 naming the shapes. */
export function runV2(
  ctx: ServeContext,
  slot: ModelSlot,
  request: Pick<InferRequest, 'feeds'>,
  deadlineAt: number,
  options: RunOptions,
): ReturnType<typeof runModel> {
  const shapes = Object.entries(request.feeds).map(([name, t]) => `'${name}' [${t.dims.join(',')}]`).join(', ');
  return runModel(ctx, slot, request.feeds, deadlineAt, options).catch((e: unknown) => {
    throw asInputShapeError(e, slot.name, shapes);
  });
}
