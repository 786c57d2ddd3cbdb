/** Checks a loaded state_dict against the keys and shapes an architecture's supernet has. */
import { GcError, shapeString, type StateDict } from '@gc-edge/core';

const LIST_AT_MOST = 5;

function list(keys: readonly string[]): string {
  const shown = keys.slice(0, LIST_AT_MOST).join(', ');
  return keys.length > LIST_AT_MOST ? `${shown} (+${keys.length - LIST_AT_MOST} more)` : shown;
}

/**
 * `where` names the weights file; `what` the supernet (e.g. "<architecture> supernet, ngf 16").
 * One clear error each for missing keys, unexpected keys and shape mismatches.
 */
export function checkStateDict(
  weights: StateDict,
  expected: ReadonlyMap<string, readonly number[]>,
  where: string,
  what: string,
): void {
  const missing = [...expected.keys()].filter((k) => !weights.has(k));
  if (missing.length > 0) {
    throw new GcError('E_WEIGHTS_KEYS', `${where}: ${missing.length} key(s) of the ${what} are missing: ${list(missing)}`, {
      hint: 'check "architecture" and "ngf" in subnet.json; the weights must be the supernet (or full generator) state_dict',
    });
  }
  const extra = [...weights.keys()].filter((k) => !expected.has(k));
  if (extra.length > 0) {
    throw new GcError('E_WEIGHTS_KEYS', `${where}: ${extra.length} key(s) are not part of the ${what}: ${list(extra)}`, {
      hint: 'is this a checkpoint of another architecture (or a discriminator / optimizer state)?',
    });
  }
  for (const [key, shape] of expected) {
    const t = weights.get(key)!;
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new GcError(
        'E_WEIGHTS_SHAPE',
        `${where}: ${key} has shape ${shapeString(t.shape)}, the ${what} expects ${shapeString(shape)}`,
        {
          hint: 'check "ngf" (and the input/output channels) in subnet.json',
        },
      );
    }
  }
}
