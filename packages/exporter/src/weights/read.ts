/** Entry points: sniff a weights file's format and read it into a float32 state_dict. */
import { readFileSync } from 'fs';
import { GcError } from '../errors';
import type { StateDict } from '../tensor';
import { looksLikeSafetensors, readSafetensors } from './safetensors';

const SUPPORTED =
  'supported formats: PyTorch .pth zip format (torch >= 1.6), PyTorch legacy .pth (torch < 1.6), .safetensors';

/** Reads a weights file from memory; `where` names it in errors (usually the path). */
export function readStateDict(bytes: Uint8Array, where: string): StateDict {
  if (looksLikeSafetensors(bytes, false)) return readSafetensors(bytes, where);
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new GcError('E_WEIGHTS_FORMAT', `${where}: unrecognised weights format (first bytes: ${head || 'none, the file is empty'})`, {
    hint: SUPPORTED,
  });
}

/** Reads a weights file from disk. */
export function loadStateDict(path: string): StateDict {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new GcError('E_WEIGHTS_IO', `${path}: cannot read weights file (${err.code ?? err.message})`, {
      hint: 'check the path (relative paths in subnet.json are relative to the subnet.json file)',
      cause: e,
    });
  }
  return readStateDict(bytes, path);
}
