/**
 * Turns the tensor references an unpickled state_dict holds into float32 tensors: resolves each
 * storage's bytes, checks the view (offset, size, stride) stays inside it, and gathers it.
 */
import { GcError, type StateDict, type Tensor } from '@gc-edge/core';
import { decodeStrided, ITEM_SIZE, viewExtent, type DType } from '../dtypes';
import type { TensorRef } from '../pickle/values';

/** Where a storage's bytes are: `byteLength` bytes from `base` in `bytes`. */
export interface StorageBytes {
  bytes: Uint8Array;
  base: number;
  byteLength: number;
}

/** Finds a storage's bytes by key; throws a GcError naming the key when they are missing. */
type StorageResolver = (key: string, dtype: DType) => StorageBytes;

/**
 * Materialises named tensor references. `maxElements` bounds the total output (zero strides could
 * otherwise make a few bytes of pickle describe gigabytes of tensor).
 */
export function materialize(
  entries: ReadonlyArray<readonly [string, TensorRef]>,
  resolve: StorageResolver,
  where: string,
  maxElements: number,
): StateDict {
  const out: StateDict = new Map();
  const done = new Map<TensorRef, Tensor>();
  let total = 0;
  for (const [name, ref] of entries) {
    const seen = done.get(ref);
    if (seen) {
      out.set(name, seen);
      continue;
    }
    const bad = (what: string): GcError =>
      new GcError('E_WEIGHTS_FORMAT', `${where}: tensor '${name}' ${what}`, {
        hint: 'the file is damaged or was not written by torch.save',
      });
    const s = ref.storage;
    const storage = resolve(s.key, s.dtype);
    const available = Math.floor(storage.byteLength / ITEM_SIZE[s.dtype]);
    if (s.offset + s.numel > available) {
      throw bad(`uses elements [${s.offset}, ${s.offset + s.numel}) of storage '${s.key}', which holds ${available} ${s.dtype} elements`);
    }
    let count = 1;
    for (const d of ref.shape) count *= d;
    const extent = viewExtent(ref.offset, ref.shape, ref.stride);
    if (extent && (extent.min < 0 || extent.max >= s.numel)) {
      throw bad(
        `(size [${ref.shape.join(', ')}], stride [${ref.stride.join(', ')}], offset ${ref.offset}) reaches element ${extent.max} ` +
          `but its storage '${s.key}' holds ${s.numel} elements`,
      );
    }
    total += count;
    if (total > maxElements) {
      throw bad(`brings the decoded total to ${total} elements, more than this file can hold (${maxElements}); overlapping strides?`);
    }
    const tensor: Tensor = {
      shape: ref.shape.slice(),
      data: extent
        ? decodeStrided(storage.bytes, storage.base + s.offset * ITEM_SIZE[s.dtype], s.dtype, ref.offset, ref.shape, ref.stride)
        : new Float32Array(0),
    };
    done.set(ref, tensor);
    out.set(name, tensor);
  }
  return out;
}
