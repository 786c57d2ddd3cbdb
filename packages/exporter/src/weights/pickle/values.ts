/**
 * What the restricted unpickler builds: plain data only. Python ints are numbers (bigint beyond
 * 2^53), str is string, bytes is Uint8Array, list is a JS array, dict is a Map, tuple is PyTuple.
 * Allowed globals are PyGlobal values whose behaviour is implemented in TypeScript; storages and
 * tensors are references resolved after unpickling (see ../torch/refs.ts).
 */
import type { DType } from '../dtypes';

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | Map<PyValue, PyValue>
  | PyGlobal
  | StorageRef
  | TensorRef;

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** What an allowed global is; nothing else can be imported. */
type GlobalKind =
  | { kind: 'callable'; call: (args: readonly PyValue[]) => PyValue }
  | { kind: 'storage-type'; dtype: DType }
  | { kind: 'dtype'; dtype: DType }
  | { kind: 'class' };

export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly what: GlobalKind,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A (view of a) storage: `numel` elements from element `offset` of the storage `key`. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: DType,
    readonly offset: number,
    readonly numel: number,
  ) {}
}

/** A tensor as `_rebuild_tensor_v2` describes it: a strided view into a storage. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}
}

/** A short human name for a value's Python type, for error messages. */
export function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof Map) return 'dict';
  if (v instanceof PyGlobal) return v.qualified;
  if (v instanceof StorageRef) return 'storage';
  return 'tensor';
}

/** A str (or ASCII bytes, as Python 2 pickles store them), else undefined. */
export function asText(v: PyValue): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  return undefined;
}

/** A non-negative integer that fits a JS number exactly, else undefined. */
export function asIndex(v: PyValue): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return undefined;
}

/** The items of a tuple or list, else undefined. */
export function asSequence(v: PyValue): readonly PyValue[] | undefined {
  if (v instanceof PyTuple) return v.items;
  if (Array.isArray(v)) return v;
  return undefined;
}

/**
 * Thrown by allowed callables and persistent-id loaders when their arguments are wrong; the
 * unpickler turns it into a GcError that names the file, the pickle and the byte offset.
 */
export class Rejected extends Error {}
