/**
 * One request through a model's queue and worker, with the queue and inference stages timed into
 * the metrics. Shared by the generate (image) and infer (tensor) routes.
 */
import type { TensorMap } from '../session/types';
import type { ServeContext } from './context';
import type { ModelSlot } from './repository';

export interface ModelRun {
  readonly outputs: TensorMap;
  readonly queueMs: number;
  readonly inferenceMs: number;
  readonly batchSize: number;
}

export async function runModel(
  ctx: ServeContext,
  slot: ModelSlot,
  feeds: TensorMap,
  deadlineAt: number,
  crash = false,
): Promise<ModelRun> {
  const { scheduler } = slot.requireReady();
  const s = await scheduler.submit(crash ? { feeds, crash } : { feeds }, deadlineAt);
  const queueMs = s.queuedMs + s.output.queueMs;
  const inferenceMs = s.output.inferenceMs;
  ctx.metrics.observeStage(slot.name, 'queue', queueMs / 1000);
  ctx.metrics.observeStage(slot.name, 'inference', inferenceMs / 1000);
  return { outputs: s.output.outputs, queueMs, inferenceMs, batchSize: s.batchSize };
}

/** `Server-Timing` header value (browsers' devtools and curl -v show it). */
export function serverTiming(stages: Readonly<Record<string, number>>): string {
  return Object.entries(stages)
    .map(([k, v]) => `${k};dur=${v.toFixed(2)}`)
    .join(', ');
}
