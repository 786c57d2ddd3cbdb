/**
 * The GRPCInferenceService RPCs gc-serve implements, each calling what the HTTP route with the same
 * meaning calls: ServerLive / ServerReady (routes/health.ts), ServerMetadata (GET /v2), ModelReady /
 * ModelMetadata (routes/models.ts), ModelInfer (v2-infer.ts, as POST /v2/models/{name}/infer). Each
 * handler takes the request message and returns the response message or throws a GcError; the
 * transport (auth, deadline, status codes, metrics) is grpc-server.ts.
 */
import { GcError } from '@gc-edge/core';
import type { ServeContext } from '../context';
import { v2Metadata } from '../kserve';
import { requireServerReady, serverMetadata } from '../routes/health';
import { inferV2 } from '../v2-infer';
import type { ModelSlot } from '../repository';
import type { InferRequest, InferResponse, ModelMetadataResponse, NameRequest } from './messages';
import { inferRequestAsV2, inferResponseFromV2 } from './messages';

/** What a call brings beside its message: when it must be answered by, and the test crash hook. */
export interface CallInfo {
  readonly deadlineAt: number;
  readonly crash: boolean;
}

type Handler = (ctx: ServeContext, request: never, call: CallInfo) => Promise<object>;

/** RPC name -> handler; the names are the service's in grpc_predict_v2.proto. */
export const HANDLERS = {
  ServerLive: async () => ({ live: true }),
  ServerReady: async (ctx: ServeContext) => {
    requireServerReady(ctx);
    return { ready: true };
  },
  ServerMetadata: async (ctx: ServeContext) => {
    const { name, version, extensions } = serverMetadata(ctx);
    return { name, version, extensions };
  },
  ModelReady: async (ctx: ServeContext, req: NameRequest) => {
    modelOf(ctx, req.name, req.version).requireReady();
    return { ready: true };
  },
  ModelMetadata: async (ctx: ServeContext, req: NameRequest): Promise<ModelMetadataResponse> => {
    const slot = modelOf(ctx, req.name, req.version);
    const info = slot.requireReady().model.info;
    // As requests are held to them (the plan): a contract's fixed size in place of symbolic height/width.
    return {
      name: slot.name,
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: ctx.plan(info).inputs.map(v2Metadata),
      outputs: info.outputs.map(v2Metadata),
    };
  },
  ModelInfer: async (ctx: ServeContext, req: InferRequest, call: CallInfo): Promise<InferResponse> => {
    const slot = modelOf(ctx, req.model_name, req.model_version);
    const { json, binary } = inferRequestAsV2(req);
    const result = await inferV2(ctx, slot, json, binary, call.deadlineAt, { crash: call.crash });
    return inferResponseFromV2(result.response, result.binary);
  },
} satisfies Record<string, Handler>;

/** RPCs that need no token, as /v2/health/* over HTTP. */
export const PUBLIC_RPCS: ReadonlySet<string> = new Set(['ServerLive', 'ServerReady']);

/** The model's slot; gc-serve serves one version of each model, `1` (or no version asked). */
function modelOf(ctx: ServeContext, name: string, version: string): ModelSlot {
  if (name === '') throw new GcError('E_BAD_REQUEST', 'the request names no model', { hint: 'set the model name field' });
  const slot = ctx.repository.get(name);
  if (version !== '' && version !== '1') {
    throw new GcError('E_MODEL_NOT_FOUND', `model '${slot.name}' has no version '${version.slice(0, 40)}'; gc-serve serves version 1`, {
      hint: 'leave the version empty, or ask for version 1',
    });
  }
  return slot;
}
