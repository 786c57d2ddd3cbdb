/** Entry points: sniff a weights file's format and read it into a float32 state_dict. */
import { GcError, readRegularFile, type StateDict } from '@gc-edge/core';
import { looksLikeSafetensors, readSafetensors } from './safetensors';
import { isLegacyTorch, readTorchLegacy } from './torch/legacy';
import { isZip, readTorchZip } from './torch/zip';

const SUPPORTED =
  'supported formats: PyTorch .pth zip format (torch >= 1.6), PyTorch legacy .pth (torch < 1.6), .safetensors';

/**
 * Reads a weights file from memory, whatever its format (PyTorch zip, PyTorch legacy, safetensors).
 * `where` names it in errors (usually the path). Every dtype is widened to float32.
 */
export function readStateDict(bytes: Uint8Array, where: string): StateDict {
  if (looksLikeSafetensors(bytes, true)) return readSafetensors(bytes, where);
  if (isZip(bytes)) return readTorchZip(bytes, where);
  if (isLegacyTorch(bytes)) return readTorchLegacy(bytes, where);
  if (looksLikeSafetensors(bytes, false)) return readSafetensors(bytes, where); // reports the bad header length
  if (bytes.length >= 262 && Buffer.from(bytes.subarray(257, 262)).toString('latin1') === 'ustar') {
    throw new GcError('E_WEIGHTS_FORMAT', `${where}: a tar archive (the torch < 0.4 format), which is not supported`, {
      hint: `load it with an old PyTorch and re-save it with torch.save(model.state_dict(), path); ${SUPPORTED}`,
    });
  }
  if (bytes.length >= 1 && bytes[0] === 0x80) {
    throw new GcError('E_WEIGHTS_FORMAT', `${where}: a pickle without torch.save's magic number (a plain pickle.dump?)`, {
      hint: `save it with torch.save(model.state_dict(), path); ${SUPPORTED}`,
    });
  }
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new GcError('E_WEIGHTS_FORMAT', `${where}: unrecognised weights format (first bytes: ${head || 'none, the file is empty'})`, {
    hint: SUPPORTED,
  });
}

/** Reads a weights file from disk; a missing or unreadable file is E_WEIGHTS_IO naming the path. */
export function loadStateDict(path: string): StateDict {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new GcError('E_WEIGHTS_IO', `${path}: cannot read weights file (${err.code ?? err.message})`, {
      hint: 'check the path (relative paths in subnet.json are relative to the subnet.json file)',
      cause: e,
    });
  }
  return readStateDict(bytes, path);
}
