/**
 * Model metadata and readiness (KServe v2; also under /versions/1), plus the repository extension's
 * load (= reload) route.
 * Metadata carries gc-edge extras: architecture, config, MACs, provider, where nodes run, the model
 * contract, and which body the generate route takes (an image, or a label map).
 */
import type { FastifyInstance } from 'fastify';
import { GcError } from '@gc-edge/core';
import type { ServeContext } from '../context';
import { describeSizeRule } from '../input-rules';
import { v2Metadata } from '../kserve';
import { describeGenerateInput } from '../model-input';
import type { ModelPlan } from '../model-plan';
import { MODEL_VERSIONS, requireVersion } from '../model-version';
import { checkLoadRequest } from '../repository-index';
import type { ModelSlot } from '../repository';
import { placementSummary } from '../../session/placement';
import type { ModelInfo } from '../../session/types';

interface NameParams {
  name: string;
}

/** `version` is set on the versioned routes (`/v2/models/{name}/versions/{v}/...`). */
interface ModelParams extends NameParams {
  version?: string;
}

export function modelRoutes(app: FastifyInstance, ctx: ServeContext): void {
  // The unversioned routes, and the same under the one version every model has (model-version.ts).
  for (const url of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get<{ Params: ModelParams }>(url, async (req) => {
      const slot = ctx.repository.get(req.params.name);
      requireVersion(slot.name, req.params.version);
      return describeModel(slot, ctx.plan);
    });

    app.get<{ Params: ModelParams }>(`${url}/ready`, async (req) => {
      const slot = ctx.repository.get(req.params.name);
      requireVersion(slot.name, req.params.version);
      slot.requireReady();
      // Requests may still be taken while a crashed worker's replacement loads, but with none live the model is not ready.
      if (!slot.ready) throw new GcError('E_NOT_READY', `model '${slot.name}' is not ready: ${slot.notReadyReason ?? 'no live worker'}`);
      return { name: slot.name, ready: true };
    });
  }

  app.post<{ Params: NameParams }>('/v2/repository/models/:name/load', async (req) => {
    if (ctx.state.shuttingDown) throw new GcError('E_SHUTTING_DOWN', 'shutting down; not loading models');
    const slot = ctx.repository.forLoad(req.params.name);
    checkLoadRequest(req.body);
    const ready = await slot.load();
    return { name: slot.name, ready: true, loadMs: slot.loadMs, provider: ready.provider, placement: ready.placement?.summary };
  });
}

/** Whether the first input's height or width is symbolic as requests are held to it. */
function symbolicSize(plan: ModelPlan): boolean {
  const shape = plan.inputs[0]?.shape ?? [];
  return shape.slice(2).some((d) => typeof d !== 'number' || d < 0);
}

/** Milliseconds to a tenth: timings, not 15 digits of float noise. */
const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

/** GET /v2/models/{name}: KServe fields first, then what gc-edge knows about the model (its plan: model-plan.ts). */
export function describeModel(slot: ModelSlot, planOf: (info: ModelInfo) => ModelPlan): Record<string, unknown> {
  const m = slot.model ?? slot.requireReady().model;
  const info = m.info;
  const plan = planOf(info);
  const rule = plan.inputs[0]?.rule ?? { multiple: 1, min: 1 };
  const cap = plan.cap;
  return {
    name: slot.name,
    versions: [...MODEL_VERSIONS],
    platform: 'onnxruntime_onnx',
    // As requests are held to them: a contract's fixed size in place of symbolic height/width.
    inputs: plan.inputs.map(v2Metadata),
    outputs: info.outputs.map(v2Metadata),
    state: slot.state,
    architecture: info.architecture ?? null,
    config: info.config ?? null,
    macs: info.macs ?? null,
    params: info.params ?? null,
    opset: info.opset ?? null,
    producer: info.producer ?? null,
    graphNodes: info.graphNodes ?? null,
    contract: plan.contract ?? null,
    generate: describeGenerateInput(plan),
    limits: {
      maxPixels: cap.maxPixels,
      maxPixelsFrom: cap.source,
      // only where height or width is symbolic: a fixed-size model takes its size, no rule
      ...(symbolicSize(plan) ? { symbolicSize: { multiple: rule.multiple, min: rule.min, rule: describeSizeRule(rule) } } : {}),
    },
    metadata: info.metadata,
    provider: m.provider,
    providerAttempts: m.attempts,
    placement: m.placement
      ? { summary: placementSummary(m.placement.byProvider, info.graphNodes ?? null), byProvider: m.placement.byProvider }
      : null,
    loadMs: slot.loadMs === undefined ? null : roundMs(slot.loadMs),
    warmupMs: m.warmupMs === undefined ? null : roundMs(m.warmupMs),
    workers: slot.pool?.size ?? 0,
    ready: slot.ready,
    notReadyReason: slot.notReadyReason ?? null,
    lastReloadError: slot.publicError ?? null,
  };
}
