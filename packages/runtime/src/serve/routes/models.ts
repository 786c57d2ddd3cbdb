/**
 * Model metadata and readiness (KServe v2), plus the repository extension's load (= reload) route.
 * Metadata carries gc-edge extras: architecture, config, MACs, provider, where nodes run, and which
 * body the generate route takes (an image, or a label map for GauGAN).
 */
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';
import type { ServeContext } from '../context';
import { describeSizeRule, pixelCapOf, sizeRuleOf } from '../input-rules';
import { v2Metadata } from '../kserve';
import { describeGenerateInput } from '../model-input';
import type { ModelSlot } from '../repository';

interface NameParams {
  name: string;
}

export function modelRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.get<{ Params: NameParams }>('/v2/models/:name', async (req) =>
    describeModel(ctx.repository.get(req.params.name), ctx.options.maxModelPixels),
  );

  app.get<{ Params: NameParams }>('/v2/models/:name/ready', async (req) => {
    const slot = ctx.repository.get(req.params.name);
    slot.requireReady();
    return { name: slot.name, ready: true };
  });

  app.post<{ Params: NameParams }>('/v2/repository/models/:name/load', async (req) => {
    if (ctx.state.shuttingDown) throw new GcError('E_SHUTTING_DOWN', 'shutting down; not loading models');
    const slot = ctx.repository.forLoad(req.params.name);
    const ready = await slot.load();
    return { name: slot.name, ready: true, loadMs: slot.loadMs, provider: ready.provider, placement: ready.placement?.summary };
  });
}

/** GET /v2/models/{name}: KServe fields first, then what gc-edge knows about the model. */
export function describeModel(slot: ModelSlot, maxModelPixels?: number): Record<string, unknown> {
  const m = slot.model ?? slot.requireReady().model;
  const info = m.info;
  const rule = sizeRuleOf(info);
  const cap = pixelCapOf(info, maxModelPixels);
  return {
    name: slot.name,
    versions: ['1'],
    platform: 'onnxruntime_onnx',
    inputs: info.inputs.map(v2Metadata),
    outputs: info.outputs.map(v2Metadata),
    state: slot.state,
    architecture: info.architecture ?? null,
    config: info.config ?? null,
    macs: info.macs ?? null,
    params: info.params ?? null,
    opset: info.opset ?? null,
    producer: info.producer ?? null,
    graphNodes: info.graphNodes ?? null,
    generate: describeGenerateInput(slot.name, info, maxModelPixels),
    limits: {
      maxPixels: cap.maxPixels,
      maxPixelsFrom: cap.source,
      symbolicSize: { multiple: rule.multiple, min: rule.min, rule: describeSizeRule(rule) },
    },
    metadata: info.metadata,
    provider: m.provider,
    providerAttempts: m.attempts,
    placement: m.placement
      ? { summary: m.placement.summary, byProvider: m.placement.byProvider }
      : null,
    loadMs: slot.loadMs ?? null,
    warmupMs: m.warmupMs ?? null,
    workers: slot.pool?.size ?? 0,
    lastReloadError: slot.lastError ? { code: slot.lastError.code, message: slot.lastError.message } : null,
  };
}
