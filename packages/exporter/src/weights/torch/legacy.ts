/**
 * The legacy torch.save format (torch < 1.6; GAN Compression's released checkpoints): a stream of
 * pickles — magic number, protocol version 1001, sys_info, the object (storages as persistent ids
 * ('storage', storage_type, root_key, location, numel, view_metadata)), the list of storage keys —
 * then, for each listed key, an int64 little-endian element count and the raw storage bytes.
 */
import { GcError, type StateDict } from '@gc-edge/core';
import { ITEM_SIZE, type DType } from '../dtypes';
import { unpickle, type UnpickleHooks } from '../pickle/unpickler';
import { asSequence, asText, describe, Rejected, StorageRef, type PyValue } from '../pickle/values';
import { findTorchGlobal } from './globals';
import { materialize, type StorageBytes } from './refs';
import { findStateDict } from './state-dict';
import { count, storageDtype, storageIdFields, storageKey } from './storage-id';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;
const HINT = 'the file is damaged or truncated; re-save it with torch.save(model.state_dict(), path)';
const PLAIN: UnpickleHooks = { findGlobal: () => undefined };

/** True when the bytes start with the pickled legacy magic number (PROTO 2, LONG1 of 10 bytes). */
export function isLegacyTorch(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x80 && bytes[2] === 0x8a && bytes[3] === 0x0a;
}

export function readTorchLegacy(bytes: Uint8Array, where: string): StateDict {
  const bad = (what: string): GcError => new GcError('E_WEIGHTS_FORMAT', `${where}: ${what}`, { hint: HINT });
  const magic = unpickle(bytes, 0, `${where}: magic number pickle`, PLAIN);
  if (magic.value !== MAGIC) {
    throw bad(
      `magic number is ${typeof magic.value === 'bigint' ? `0x${magic.value.toString(16)}` : describe(magic.value)}, expected 0x${MAGIC.toString(16)}`,
    );
  }
  const protocol = unpickle(bytes, magic.end, `${where}: protocol version pickle`, PLAIN);
  if (protocol.value !== PROTOCOL_VERSION) {
    const v = protocol.value;
    throw bad(
      `legacy protocol version is ${typeof v === 'number' || typeof v === 'bigint' ? String(v) : describe(v)}, expected ${PROTOCOL_VERSION}`,
    );
  }
  const sysInfo = unpickle(bytes, protocol.end, `${where}: sys_info pickle`, PLAIN);
  if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) {
    throw new GcError('E_WEIGHTS_FORMAT', `${where}: saved on a big-endian machine (sys_info little_endian=False)`, {
      hint: 're-save the checkpoint on a little-endian machine',
    });
  }

  const roots = new Map<string, { dtype: DType; numel: number }>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const [type, rootValue, , numelValue, view] = storageIdFields(pid, 6) as [PyValue, PyValue, PyValue, PyValue, PyValue];
    const key = storageKey(rootValue);
    let root = roots.get(key);
    if (!root) {
      root = { dtype: storageDtype(type), numel: count(numelValue, 'numel') };
      roots.set(key, root);
    }
    if (view === null) return new StorageRef(key, root.dtype, 0, root.numel);
    const fields = asSequence(view);
    if (!fields || fields.length !== 3) throw new Rejected(`view_metadata is a ${describe(view)}, expected (view_key, offset, size)`);
    const offset = count(fields[1]!, 'view offset');
    const size = count(fields[2]!, 'view size');
    if (offset + size > root.numel) {
      throw new Rejected(`view [${offset}, ${offset + size}) of storage '${key}' lies outside its ${root.numel} elements`);
    }
    return new StorageRef(key, root.dtype, offset, size);
  };
  const main = unpickle(bytes, sysInfo.end, `${where}: pickle at byte ${sysInfo.end}`, { findGlobal: findTorchGlobal, persistentLoad });
  const keyList = unpickle(bytes, main.end, `${where}: storage key list at byte ${main.end}`, PLAIN);
  const keys = asSequence(keyList.value);
  if (!keys) throw bad(`storage key list at byte ${main.end} is a ${describe(keyList.value)}, expected a list`);

  const storages = new Map<string, StorageBytes>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = keyList.end;
  keys.forEach((k, i) => {
    const key = asText(k);
    const root = key === undefined ? undefined : roots.get(key);
    if (key === undefined || !root) {
      throw bad(`storage key #${i} (${key === undefined ? describe(k) : `'${key}'`}) is not used by the pickled object`);
    }
    const at = `storage '${key}' (#${i} of ${keys.length}) at byte ${pos}`;
    if (bytes.length - pos < 8) throw bad(`${at}: the file ends at byte ${bytes.length} before its element count`);
    const lo = view.getUint32(pos, true);
    const hi = view.getInt32(pos + 4, true);
    const n = hi * 4294967296 + lo;
    if (n !== root.numel) throw bad(`${at}: element count is ${n}, the pickle declared ${root.numel}`);
    const nbytes = n * ITEM_SIZE[root.dtype];
    if (nbytes > bytes.length - pos - 8) throw bad(`${at}: needs ${nbytes} bytes of data but the file ends at byte ${bytes.length}`);
    storages.set(key, { bytes, base: pos + 8, byteLength: nbytes });
    pos += 8 + nbytes;
  });

  const resolve = (key: string): StorageBytes => {
    const s = storages.get(key);
    if (!s) throw bad(`storage '${key}' is used by a tensor but missing from the storage key list`);
    return s;
  };
  return materialize(findStateDict(main.value, where), resolve, where, 4 * bytes.length + 65536);
}
