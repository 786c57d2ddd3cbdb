/**
 * Worker-thread side: the script each worker thread runs (as the compiled
 * `dist/worker/thread-script.js`; `thread-handle.ts` starts it). Creates the session from
 * `workerData`, warms it up (computing placement on the way and ending profiling), reports `ready`,
 * then answers `run` messages one at a time, transferring output buffers back.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { EXPORT_SHAPE_METADATA, GcError } from '@gc-edge/core';
import { createSession } from '../session/create-session';
import type { GcSession, Placement, TensorMap } from '../session/types';
import { DEFAULT_WARMUP_SIZE, shapesOf, warmupShapes, zeroFeeds } from '../session/warmup-shape';
import type { WorkerReady } from './types';
import { type AnswerRequest, allAnswered, makeAnswers } from './answer';
import { CRASH_EXIT_CODE, type FromWorker, type ToWorker, type WorkerInit, prepareTransfer, transferable } from './protocol';
import { toWire } from './wire-error';

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  try {
    parentPort!.postMessage(msg, transfer);
  } catch {
    // A buffer that cannot be transferred (external memory): send copies instead.
    parentPort!.postMessage(msg);
  }
}

/**
 * One inference before `ready` (so the first request does not pay for lazy initialisation) at the
 * given feeds, or zeros at the model's warm-up shape: a model with symbolic dims runs at its
 * contract's default size (or `macs_input_shape` metadata), else batch 1 x 256 (warmup-shape.ts). With profiling on, that run
 * is the profiled one: placement is read from it and profiling ends before the worker serves.
 */
async function warmUp(session: GcSession, init: WorkerInit): Promise<Pick<WorkerReady, 'placement' | 'warmupMs' | 'warmupShapes'>> {
  if (init.warmup === false) return {};
  const feeds = init.warmup === true ? zeroFeeds(warmupShapes(session.info)) : init.warmup;
  const shapes = shapesOf(feeds);
  const t0 = performance.now();
  try {
    await session.run(feeds);
  } catch (e) {
    const at = Object.entries(shapes).map(([n, d]) => `"${n}" [${d.join(', ')}]`).join(', ');
    const why = (e as Error).message.replace(`${session.name}: `, '');
    throw new GcError('E_SESSION', `${session.name}: warm-up at ${at} failed: ${why}`, {
      hint: `a model with symbolic input dims is warmed up at its contract's default size or its '${EXPORT_SHAPE_METADATA}' metadata (gc-export writes both), else at batch 1 x ${DEFAULT_WARMUP_SIZE}`,
      cause: e,
    });
  }
  const warmupMs = performance.now() - t0;
  const profiling = init.options.profiling ?? true;
  const placement: Placement | undefined = profiling ? await session.placement() : undefined;
  return placement ? { placement, warmupMs, warmupShapes: shapes } : { warmupMs, warmupShapes: shapes };
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
        void session.release().finally(() => process.exit(0));
        break;
      case 'run':
        if (msg.crash) process.exit(CRASH_EXIT_CODE);
        void handleRun(session, msg.id, msg.feeds, msg.answers);
        break;
    }
  });
}

async function handleRun(session: GcSession, id: number, feeds: TensorMap, answers: AnswerRequest | undefined): Promise<void> {
  try {
    const t0 = performance.now();
    const outputs = await session.run(feeds);
    const inferenceMs = performance.now() - t0;
    const startedAt = performance.timeOrigin + t0;
    if (!answers) {
      const { tensors, transfer } = prepareTransfer(outputs);
      post({ type: 'result', id, outputs: tensors, inferenceMs, startedAt }, transfer);
      return;
    }
    const made = makeAnswers(outputs, answers).map((a) => (a && a.kind !== 'error' ? { ...a, data: transferable(a.data) } : a));
    const { tensors, transfer } = prepareTransfer(allAnswered(answers) ? {} : outputs);
    for (const a of made) if (a && a.kind !== 'error') transfer.push(a.data.buffer as ArrayBuffer);
    post({ type: 'result', id, outputs: tensors, answers: made, inferenceMs, startedAt }, transfer);
  } catch (e) {
    post({ type: 'error', id, error: toWire(e) });
  }
}

if (!isMainThread && parentPort) void main();
