/**
 * The torch >= 1.6 zip format: `<archive>/data.pkl` (the pickled object, storages as persistent
 * ids ('storage', storage_type, key, location, numel)) and `<archive>/data/<key>` (raw
 * little-endian storage bytes); `<archive>/byteorder` when written by torch >= 2.1.
 */
import { unzipSync, type UnzipFileInfo, type Unzipped } from 'fflate';
import { GcError, type StateDict } from '@gc-edge/core';
import { ITEM_SIZE } from '../dtypes';
import { unpickle } from '../pickle/unpickler';
import { Rejected, StorageRef, type PyValue } from '../pickle/values';
import { findTorchGlobal } from './globals';
import { materialize } from './refs';
import { findStateDict } from './state-dict';
import { count, storageDtype, storageIdFields, storageKey } from './storage-id';

const HINT = 'the archive is damaged or truncated; re-save it with torch.save(model.state_dict(), path)';
/** deflate cannot expand more than ~1032:1; anything claiming more is lying. */
const MAX_DEFLATE_RATIO = 1032;
/** No state_dict we serve comes near this; it keeps a lying archive from allocating gigabytes. */
const MAX_EXTRACTED_BYTES = 2 ** 31;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function unzip(bytes: Uint8Array, where: string, filter: (f: UnzipFileInfo) => boolean): Unzipped {
  try {
    return unzipSync(bytes, { filter });
  } catch (e) {
    if (e instanceof GcError) throw e;
    throw new GcError('E_WEIGHTS_FORMAT', `${where}: not a readable zip archive (${(e as Error).message})`, { hint: HINT, cause: e });
  }
}

export function readTorchZip(bytes: Uint8Array, where: string): StateDict {
  const infos: UnzipFileInfo[] = [];
  unzip(bytes, where, (f) => {
    infos.push(f);
    return false;
  });
  const pkls = infos.filter((f) => /^[^/]+\/data\.pkl$/.test(f.name));
  if (pkls.length !== 1) {
    const names = infos.slice(0, 6).map((f) => f.name).join(', ');
    const torchscript = infos.some((f) => f.name.endsWith('/constants.pkl'));
    throw new GcError(
      'E_WEIGHTS_FORMAT',
      `${where}: expected one <archive>/data.pkl in the zip, found ${pkls.length} (entries: ${names || 'none'})`,
      {
        hint: torchscript
          ? 'this is a TorchScript archive (torch.jit.save); save the state_dict instead: torch.save(model.state_dict(), path)'
          : HINT,
      },
    );
  }
  const pklName = pkls[0]!.name;
  const prefix = pklName.slice(0, -'data.pkl'.length);
  const byName = new Map(infos.map((f) => [f.name, f]));

  // Inflated only once they are known to be needed, within budgets from what the pickle declares:
  // first the pickle and the byte order, then the storages the pickle references, nothing else (an
  // unreferenced member, however big it claims to be, is never inflated).
  let claimed = 0;
  const within = (f: UnzipFileInfo, declared?: number): boolean => {
    claimed += f.originalSize;
    const plausible =
      claimed <= MAX_EXTRACTED_BYTES &&
      ((f.compression === 0 && f.size === f.originalSize) ||
        (f.compression === 8 && f.originalSize <= f.size * MAX_DEFLATE_RATIO + 64));
    if (!plausible) {
      throw new GcError(
        'E_WEIGHTS_FORMAT',
        `${where}: archive member ${f.name} claims ${f.originalSize} bytes from ${f.size} bytes with compression method ${f.compression}`,
        { hint: `${HINT} (torch writes members stored, method 0)` },
      );
    }
    if (declared !== undefined && f.originalSize > declared) {
      throw new GcError(
        'E_WEIGHTS_FORMAT',
        `${where}: archive member ${f.name} holds ${f.originalSize} bytes, more than the ${declared} its storage declares`,
        { hint: HINT },
      );
    }
    return true;
  };
  const head = unzip(bytes, where, (f) => (f.name === pklName || f.name === `${prefix}byteorder`) && within(f));
  checkExtracted(head, byName, where);

  const order = head[`${prefix}byteorder`];
  if (order !== undefined) {
    const text = Buffer.from(order).toString('latin1');
    if (text !== 'little') {
      throw new GcError('E_WEIGHTS_FORMAT', `${where}: ${prefix}byteorder is '${text.slice(0, 16)}', only 'little' is supported`, {
        hint: 're-save the checkpoint on a little-endian machine',
      });
    }
  }

  /** Storage key -> the bytes its persistent ids declare (the largest, if named twice). */
  const referenced = new Map<string, number>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const [type, keyValue, , numelValue] = storageIdFields(pid, 5) as [PyValue, PyValue, PyValue, PyValue];
    const dtype = storageDtype(type);
    const key = storageKey(keyValue);
    const numel = count(numelValue, 'numel');
    const member = byName.get(`${prefix}data/${key}`);
    if (member === undefined) throw new Rejected(`storage '${key}' has no member ${prefix}data/${key} in the archive`);
    const needed = numel * ITEM_SIZE[dtype];
    if (member.originalSize < needed) {
      throw new Rejected(
        `storage '${key}' declares ${numel} ${dtype} elements (${needed} bytes) but ${prefix}data/${key} holds ${member.originalSize} bytes`,
      );
    }
    referenced.set(key, Math.max(referenced.get(key) ?? 0, needed));
    return new StorageRef(key, dtype, 0, numel);
  };

  const pkl = head[pklName];
  if (pkl === undefined) {
    throw new GcError('E_WEIGHTS_FORMAT', `${where}: archive member ${pklName} could not be extracted`, { hint: HINT });
  }
  const root = unpickle(pkl, 0, `${where}: ${pklName}`, { findGlobal: findTorchGlobal, persistentLoad }).value;
  const entries = findStateDict(root, where);

  const dataDir = `${prefix}data/`;
  const storageOf = (name: string): string | undefined => (name.startsWith(dataDir) ? name.slice(dataDir.length) : undefined);
  const files = unzip(bytes, where, (f) => {
    const key = storageOf(f.name);
    const declared = key === undefined ? undefined : referenced.get(key);
    return declared !== undefined && within(f, declared);
  });
  const storageBytes = checkExtracted(files, byName, where);
  const resolve = (key: string) => {
    const record = files[`${prefix}data/${key}`];
    if (record === undefined) throw new GcError('E_WEIGHTS_FORMAT', `${where}: storage '${key}' was not extracted`, { hint: HINT });
    return { bytes: record, base: 0, byteLength: record.length };
  };
  return materialize(entries, resolve, where, 4 * storageBytes + 65536);
}

/** Every extracted member has the size its entry declares (else the archive is truncated); returns their total. */
function checkExtracted(files: Unzipped, infos: ReadonlyMap<string, UnzipFileInfo>, where: string): number {
  let total = 0;
  for (const [name, got] of Object.entries(files)) {
    const declared = infos.get(name)?.originalSize;
    if (got.length !== declared) {
      throw new GcError('E_WEIGHTS_FORMAT', `${where}: archive member ${name} is truncated: ${got.length} of ${declared} bytes`, {
        hint: HINT,
      });
    }
    total += got.length;
  }
  return total;
}
