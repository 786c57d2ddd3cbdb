/**
 * Messages between the main thread (`thread-handle.ts`) and the worker thread (`thread-script.ts`).
 * Plain data only; errors travel as `{code, message, hint}` (`wire-error.ts`) and become GcErrors
 * again on the main thread.
 */
import type { DeviceProfile } from '../devices/profile';
import type { CreateSessionOptions, ModelSource, TensorMap } from '../session/types';
import type { Answer, AnswerRequest } from './answer';
import type { WorkerReady } from './types';
import type { WireError } from './wire-error';

/** `workerData` of a worker thread. */
export interface WorkerInit {
  readonly source: ModelSource;
  readonly profile: DeviceProfile;
  readonly options: CreateSessionOptions;
  readonly warmup: boolean | TensorMap;
}

export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly feeds: TensorMap; readonly answers?: AnswerRequest; readonly crash?: boolean }
  | { readonly type: 'crash' }
  | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'ready'; readonly ready: WorkerReady }
  | { readonly type: 'load-error'; readonly error: WireError }
  | {
      readonly type: 'result';
      readonly id: number;
      /** Empty when every request of the run was answered (answer.ts): the floats stay in the worker. */
      readonly outputs: TensorMap;
      readonly answers?: readonly (Answer | undefined)[];
      readonly inferenceMs: number;
      readonly startedAt: number;
    }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError };

/** Exit code of a worker told to crash (`simulateCrash`). */
export const CRASH_EXIT_CODE = 70;

/**
 * `bytes` as an array whose buffer can be transferred: itself when it covers its buffer whole, else
 * a copy (a small Buffer is a view into Node's shared allocation pool, which must not move; note
 * that Buffer#slice would give another view, not a copy).
 */
export function transferable(bytes: Uint8Array): Uint8Array {
  const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole ? bytes : new Uint8Array(bytes);
}

/**
 * The buffers to transfer for `tensors`: each distinct ArrayBuffer a tensor fully covers. A view
 * into a larger (or shared) buffer is replaced by a copy first, so nothing else gets detached.
 */
export function prepareTransfer(tensors: TensorMap): { tensors: TensorMap; transfer: ArrayBuffer[] } {
  const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
  const transfer = new Set<ArrayBuffer>();
  for (const [name, t] of Object.entries(tensors)) {
    let data = t.data;
    const whole = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    if (!whole || transfer.has(data.buffer as ArrayBuffer)) data = data.slice();
    transfer.add(data.buffer as ArrayBuffer);
    out[name] = { data, dims: t.dims };
  }
  return { tensors: out, transfer: [...transfer] };
}
