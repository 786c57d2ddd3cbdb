/**
 * The worker-thread script (run as the compiled `dist/worker/thread.js`): creates the session from
 * `workerData`, warms it up (computing placement on the way), reports `ready`, then answers `run`
 * messages one at a time, transferring output buffers back.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createSession } from '../session/create-session';
import type { GcSession, Placement, TensorMap } from '../session/types';
import type { WorkerReady } from './types';
import { CRASH_EXIT_CODE, type FromWorker, type ToWorker, type WorkerInit, prepareTransfer, toWire } from './protocol';

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  try {
    parentPort!.postMessage(msg, transfer);
  } catch {
    // A buffer that cannot be transferred (external memory): send copies instead.
    parentPort!.postMessage(msg);
  }
}

function hasStaticInputs(session: GcSession): boolean {
  return session.info.inputs.every((i) => i.shape.every((d) => typeof d === 'number'));
}

async function warmUp(session: GcSession, init: WorkerInit): Promise<{ placement?: Placement; warmupMs?: number }> {
  if (init.warmup === false) return {};
  const feeds = init.warmup === true ? undefined : init.warmup;
  if (!feeds && !hasStaticInputs(session)) return {};
  const t0 = performance.now();
  const profiling = init.options.profiling ?? true;
  let placement: Placement | undefined;
  if (profiling) placement = await session.placement(feeds);
  else await session.run(feeds ?? zeroFeeds(session));
  const warmupMs = performance.now() - t0;
  return placement ? { placement, warmupMs } : { warmupMs };
}

function zeroFeeds(session: GcSession): TensorMap {
  const feeds: Record<string, { data: Float32Array; dims: number[] }> = {};
  for (const i of session.info.inputs) {
    const dims = i.shape as number[];
    feeds[i.name] = { data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims };
  }
  return feeds;
}

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  let session: GcSession;
  let ready: WorkerReady;
  try {
    session = await createSession(init.source, init.profile, init.options);
    const warm = await warmUp(session, init);
    ready = {
      name: session.name,
      provider: session.provider,
      attempts: session.attempts,
      info: session.info,
      loadMs: session.loadMs,
      ...warm,
    };
  } catch (e) {
    post({ type: 'load-error', error: toWire(e) });
    process.exit(0);
  }
  post({ type: 'ready', ready });

  parentPort!.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'crash':
        process.exit(CRASH_EXIT_CODE);
        break;
      case 'close':
        session.release().finally(() => process.exit(0));
        break;
      case 'run':
        if (msg.crash) process.exit(CRASH_EXIT_CODE);
        void handleRun(session, msg.id, msg.feeds);
        break;
    }
  });
}

async function handleRun(session: GcSession, id: number, feeds: TensorMap): Promise<void> {
  try {
    const t0 = performance.now();
    const outputs = await session.run(feeds);
    const inferenceMs = performance.now() - t0;
    const { tensors, transfer } = prepareTransfer(outputs);
    post({ type: 'result', id, outputs: tensors, inferenceMs, startedAt: performance.timeOrigin + t0 }, transfer);
  } catch (e) {
    post({ type: 'error', id, error: toWire(e) });
  }
}

if (!isMainThread && parentPort) void main();
