/**
 * Test helper: builds small torch.save files (zip and legacy formats) from a description, the way
 * torch lays them out, so tests can vary one thing (dtype, view, size, name) at a time.
 */
import { strides } from '@gc-edge/core';
import { zipSync } from 'fflate';
import { PickleWriter } from './pickle-writer';

export type StorageType = 'FloatStorage' | 'HalfStorage' | 'BFloat16Storage' | 'DoubleStorage' | 'LongStorage';

export interface StorageSpec {
  key: string;
  type: StorageType;
  /** Declared element count (what the persistent id says). */
  numel: number;
  /** Raw little-endian bytes written for it. */
  data: Uint8Array;
}

export interface TensorSpec {
  name: string;
  storage: string;
  offset?: number;
  size: number[];
  /** Defaults to contiguous strides. */
  stride?: number[];
  /** Legacy format only: a storage view (offset, size) in elements. */
  view?: { key: string; offset: number; size: number };
}

export function f32(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/**
 * The pickled state_dict: OrderedDict of name -> _rebuild_tensor_v2(...). `wrap` puts it under a
 * key of an outer dict (with an 'epoch' int beside it); `extra` adds non-tensor entries.
 */
export function stateDictPickle(
  format: 'zip' | 'legacy',
  storages: readonly StorageSpec[],
  tensors: readonly TensorSpec[],
  opts: { wrap?: string; extra?: Record<string, number> } = {},
): Uint8Array {
  const byKey = new Map(storages.map((s) => [s.key, s]));
  const w = new PickleWriter().proto(2);
  if (opts.wrap) w.emptyDict().mark().str(opts.wrap);
  w.global('collections', 'OrderedDict').emptyTuple().reduce().mark();
  for (const t of tensors) {
    const s = byKey.get(t.storage)!;
    w.str(t.name).global('torch._utils', '_rebuild_tensor_v2').mark();
    w.mark().str('storage').global('torch', s.type).str(s.key).str('cpu').int(s.numel);
    if (format === 'legacy') {
      if (t.view) w.mark().str(t.view.key).int(t.view.offset).int(t.view.size).tuple();
      else w.none();
    }
    w.tuple().binpersid();
    w.int(t.offset ?? 0).ints(t.size).ints(t.stride ?? strides(t.size)).bool(false);
    w.global('collections', 'OrderedDict').emptyTuple().reduce();
    w.tuple().reduce();
  }
  for (const [k, v] of Object.entries(opts.extra ?? {})) w.str(k).int(v);
  w.setitems();
  if (opts.wrap) w.str('epoch').int(3).setitems();
  return w.stop().bytes();
}

/** A torch >= 1.6 zip archive: `<prefix>/data.pkl`, `<prefix>/data/<key>`, `<prefix>/version`. */
export function zipFile(pkl: Uint8Array, storages: readonly StorageSpec[], opts: { prefix?: string; byteorder?: string } = {}): Uint8Array {
  const prefix = opts.prefix ?? 'archive';
  const files: Record<string, Uint8Array> = { [`${prefix}/data.pkl`]: pkl };
  if (opts.byteorder) files[`${prefix}/byteorder`] = Buffer.from(opts.byteorder, 'latin1');
  for (const s of storages) files[`${prefix}/data/${s.key}`] = s.data;
  files[`${prefix}/version`] = Buffer.from('3\n');
  return zipSync(files, { level: 0 });
}

/** A legacy (torch < 1.6) file: magic, protocol, sys_info, `pkl`, key list, then each storage. */
export function legacyFile(pkl: Uint8Array, storages: readonly StorageSpec[], counts?: readonly number[]): Uint8Array {
  const magic = new PickleWriter().proto(2).long1(0x1950a86a20f9469cfc6cn, 10).stop().bytes();
  const protocol = new PickleWriter().proto(2).int(1001).stop().bytes();
  const sysInfo = new PickleWriter()
    .proto(2)
    .emptyDict()
    .mark()
    .str('protocol_version')
    .int(1001)
    .str('little_endian')
    .bool(true)
    .setitems()
    .stop()
    .bytes();
  const keys = new PickleWriter().proto(2).emptyList().mark();
  for (const s of storages) keys.str(s.key);
  const parts: Uint8Array[] = [magic, protocol, sysInfo, pkl, keys.appends().stop().bytes()];
  storages.forEach((s, i) => {
    const n = new Uint8Array(8);
    new DataView(n.buffer).setBigInt64(0, BigInt(counts?.[i] ?? s.numel), true);
    parts.push(n, s.data);
  });
  return Buffer.concat(parts);
}

/** The same state_dict in both torch formats. */
export function bothFormats(storages: readonly StorageSpec[], tensors: readonly TensorSpec[]): { zip: Uint8Array; legacy: Uint8Array } {
  return {
    zip: zipFile(stateDictPickle('zip', storages, tensors), storages),
    legacy: legacyFile(stateDictPickle('legacy', storages, tensors), storages),
  };
}
