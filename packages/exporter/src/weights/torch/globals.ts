/**
 * The allow-list of globals a torch.save'd state_dict may import, in the spirit of
 * torch._weights_only_unpickler: containers, the tensor rebuild functions, storage types and
 * dtypes. Each callable is a TypeScript function over plain values; none runs file content.
 */
import type { DType } from '../dtypes';
import { asIndex, asSequence, asText, describe, PyGlobal, PyTuple, Rejected, StorageRef, TensorRef, type PyValue } from '../pickle/values';

/** torch storage class name -> element type (torch.FloatStorage, torch.cuda.HalfStorage, ...). */
const STORAGE_TYPES: Readonly<Record<string, DType>> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  UntypedStorage: 'uint8',
};

const DTYPES: Readonly<Record<string, DType>> = {
  float32: 'float32',
  float: 'float32',
  float16: 'float16',
  half: 'float16',
  bfloat16: 'bfloat16',
  float64: 'float64',
  double: 'float64',
  int64: 'int64',
  long: 'int64',
  int32: 'int32',
  int: 'int32',
  int16: 'int16',
  short: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

function ints(v: PyValue, what: string): number[] {
  const seq = asSequence(v);
  if (!seq) throw new Rejected(`${what} is a ${describe(v)}, expected a tuple of ints`);
  return seq.map((d, i) => {
    const n = asIndex(d);
    if (n === undefined) throw new Rejected(`${what}[${i}] is ${typeof d === 'number' ? d : describe(d)}, expected a non-negative int`);
    return n;
  });
}

/** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]) */
function rebuildTensor(args: readonly PyValue[]): TensorRef {
  if (args.length < 4) throw new Rejected(`takes at least 4 arguments, got ${args.length}`);
  const [storage, offset, size, stride] = args as [PyValue, PyValue, PyValue, PyValue];
  if (!(storage instanceof StorageRef)) throw new Rejected(`storage argument is a ${describe(storage)}, expected a storage`);
  const off = asIndex(offset);
  if (off === undefined) throw new Rejected(`storage_offset is a ${describe(offset)}, expected a non-negative int`);
  const shape = ints(size, 'size');
  const strides = ints(stride, 'stride');
  if (shape.length !== strides.length) throw new Rejected(`size has ${shape.length} dims but stride has ${strides.length}`);
  return new TensorRef(storage, off, shape, strides);
}

/** _rebuild_parameter(data, requires_grad, backward_hooks[, state]): the tensor itself. */
function rebuildParameter(args: readonly PyValue[]): TensorRef {
  const data = args[0];
  if (!(data instanceof TensorRef)) {
    throw new Rejected(`data is a ${data === undefined ? 'missing argument' : describe(data)}, expected a tensor`);
  }
  return data;
}

/** _rebuild_from_type_v2(func, new_type, args, state): `func(*args)` for an allowed func and tensor type. */
function rebuildFromType(args: readonly PyValue[]): PyValue {
  const [fn, type, fnArgs] = args;
  if (!(fn instanceof PyGlobal) || fn.what.kind !== 'callable') throw new Rejected('func is not an allowed function');
  if (!(type instanceof PyGlobal) || type.what.kind !== 'class') throw new Rejected('new_type is not torch.Tensor or torch.nn.Parameter');
  const seq = fnArgs instanceof PyTuple ? fnArgs.items : undefined;
  if (!seq) throw new Rejected('args is not a tuple');
  return fn.what.call(seq);
}

/** OrderedDict() or OrderedDict([(k, v), ...]). */
function orderedDict(args: readonly PyValue[]): Map<PyValue, PyValue> {
  const d = new Map<PyValue, PyValue>();
  const [list] = args;
  if (list === undefined) return d;
  const items = asSequence(list);
  if (args.length > 1 || !items) throw new Rejected('expects no arguments or one list of pairs');
  for (const pair of items) {
    const kv = asSequence(pair);
    if (!kv || kv.length !== 2) throw new Rejected(`item is a ${describe(pair)}, expected a (key, value) pair`);
    d.set(kv[0]!, kv[1]!);
  }
  return d;
}

/** torch.Size((d0, d1, ...)) -> the tuple. */
function size(args: readonly PyValue[]): PyTuple {
  return new PyTuple(ints(args[0] ?? null, 'torch.Size argument'));
}

/** _codecs.encode(text, 'latin1'): how protocol-2 pickles store bytes. */
function encode(args: readonly PyValue[]): Uint8Array {
  const [text, encoding] = args;
  if (typeof text !== 'string') throw new Rejected('expects a str');
  const enc = typeof encoding === 'string' ? encoding.toLowerCase().replace(/[-_]/g, '') : 'utf8';
  if (enc === 'latin1' || enc === 'iso88591') return new Uint8Array(Buffer.from(text, 'latin1'));
  if (enc === 'utf8') return new Uint8Array(Buffer.from(text, 'utf8'));
  throw new Rejected(`encoding ${String(asText(encoding ?? null))} is not supported`);
}

const CALLABLES: Readonly<Record<string, (args: readonly PyValue[]) => PyValue>> = {
  'collections.OrderedDict': orderedDict,
  'torch._utils._rebuild_tensor_v2': rebuildTensor,
  'torch._utils._rebuild_tensor': rebuildTensor,
  'torch._utils._rebuild_parameter': rebuildParameter,
  'torch._utils._rebuild_parameter_with_state': rebuildParameter,
  'torch._tensor._rebuild_from_type_v2': rebuildFromType,
  'torch.tensor._rebuild_from_type_v2': rebuildFromType,
  'torch._utils._rebuild_from_type_v2': rebuildFromType,
  'torch.Size': size,
  '_codecs.encode': encode,
};

const CLASSES = new Set(['torch.Tensor', 'torch._tensor.Tensor', 'torch.nn.parameter.Parameter']);

/** The allowed global `module.name`, or undefined (the unpickler then refuses the file). */
export function findTorchGlobal(module: string, name: string): PyGlobal | undefined {
  const q = `${module}.${name}`;
  const fn = CALLABLES[q];
  if (fn) return new PyGlobal(module, name, { kind: 'callable', call: fn });
  if ((module === 'torch' || module === 'torch.cuda') && Object.prototype.hasOwnProperty.call(STORAGE_TYPES, name)) {
    return new PyGlobal(module, name, { kind: 'storage-type', dtype: STORAGE_TYPES[name]! });
  }
  if (module === 'torch' && Object.prototype.hasOwnProperty.call(DTYPES, name)) {
    return new PyGlobal(module, name, { kind: 'dtype', dtype: DTYPES[name]! });
  }
  if (CLASSES.has(q)) return new PyGlobal(module, name, { kind: 'class' });
  return undefined;
}
