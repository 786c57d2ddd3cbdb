/**
 * Finds the state_dict in an unpickled checkpoint: the top-level dict itself (what GAN Compression
 * saves), or the one tensor dict a wrapper holds ({'state_dict': ..., 'epoch': ...},
 * {'netG': ...}); strips DataParallel's 'module.' prefix.
 */
import { GcError } from '@gc-edge/core';
import { describe, TensorRef, type PyValue } from '../pickle/values';

const HINT = 'expected what torch.save(model.state_dict(), path) writes: a dict of parameter name -> tensor';

function hasTensor(d: Map<PyValue, PyValue>): boolean {
  for (const v of d.values()) if (v instanceof TensorRef) return true;
  return false;
}

function keyText(k: PyValue): string {
  return typeof k === 'string' ? `'${k}'` : `${describe(k)} ${typeof k === 'number' || typeof k === 'bigint' ? String(k) : ''}`.trim();
}

export function findStateDict(root: PyValue, where: string): Array<[string, TensorRef]> {
  if (!(root instanceof Map)) {
    throw new GcError('E_WEIGHTS_FORMAT', `${where}: the checkpoint holds a ${describe(root)}, not a state_dict`, { hint: HINT });
  }
  let dict = root;
  let path = '';
  if (root.size > 0 && !hasTensor(root)) {
    const candidates = [...root.entries()].filter((e): e is [PyValue, Map<PyValue, PyValue>] => e[1] instanceof Map && hasTensor(e[1]));
    if (candidates.length !== 1) {
      const keys = [...root.keys()].map(keyText).join(', ');
      const dicts = candidates.map((c) => keyText(c[0])).join(', ');
      throw new GcError(
        'E_WEIGHTS_FORMAT',
        candidates.length === 0
          ? `${where}: no tensors found; the checkpoint is a dict with keys ${keys}`
          : `${where}: the checkpoint holds ${candidates.length} tensor dicts (${dicts}); which one is the generator is ambiguous`,
        { hint: `${HINT}; extract the generator's state_dict in Python and save it alone` },
      );
    }
    const [[key, inner]] = candidates as [[PyValue, Map<PyValue, PyValue>]];
    dict = inner;
    path = `[${keyText(key)}]`;
  }
  const entries: Array<[string, TensorRef]> = [];
  for (const [k, v] of dict) {
    if (typeof k !== 'string') throw new GcError('E_WEIGHTS_FORMAT', `${where}${path}: key ${keyText(k)} is not a str`, { hint: HINT });
    if (!(v instanceof TensorRef)) {
      throw new GcError('E_WEIGHTS_FORMAT', `${where}${path}: entry '${k}' is a ${describe(v)}, expected a tensor`, { hint: HINT });
    }
    entries.push([k, v]);
  }
  if (entries.length > 0 && entries.every(([k]) => k.startsWith('module.'))) {
    for (const e of entries) e[0] = e[0].slice('module.'.length);
  }
  return entries;
}
