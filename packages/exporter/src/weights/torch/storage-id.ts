/** The persistent ids torch.save writes for storages, shared by the zip and legacy formats. */
import type { DType } from '../dtypes';
import { asIndex, asSequence, asText, describe, PyGlobal, Rejected, type PyValue } from '../pickle/values';

/** The fields after 'storage' of a persistent id tuple with `arity` entries in all. */
export function storageIdFields(pid: PyValue, arity: number): readonly PyValue[] {
  const items = asSequence(pid);
  if (!items) throw new Rejected(`is a ${describe(pid)}, expected a tuple`);
  const first = items[0];
  const kind = first === undefined ? undefined : asText(first);
  if (kind !== 'storage') {
    throw new Rejected(
      `kind is ${kind === undefined ? describe(first ?? null) : `'${kind}'`}, expected 'storage' (whole-module pickles are not supported; save model.state_dict())`,
    );
  }
  if (items.length !== arity) throw new Rejected(`has ${items.length} fields, expected ${arity}`);
  return items.slice(1);
}

export function storageDtype(v: PyValue): DType {
  if (v instanceof PyGlobal && v.what.kind === 'storage-type') return v.what.dtype;
  throw new Rejected(`storage type is a ${describe(v)}, expected a torch storage class such as torch.FloatStorage`);
}

export function storageKey(v: PyValue): string {
  const key = asText(v);
  if (key === undefined) throw new Rejected(`storage key is a ${describe(v)}, expected a str`);
  return key;
}

export function count(v: PyValue, what: string): number {
  const n = asIndex(v);
  if (n === undefined) throw new Rejected(`${what} is ${typeof v === 'number' ? v : `a ${describe(v)}`}, expected a non-negative int`);
  return n;
}
