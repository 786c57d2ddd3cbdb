/** Checks a loaded state_dict against the keys and shapes an architecture's supernet (or sub-network, or full generator) has. */
import { GcError, shapeString, type StateDict } from '@gc-edge/core';

const LIST_AT_MOST = 5;

/**
 * Buffers inference never reads: a file may leave them out (safetensors exports often drop the int64
 * `num_batches_tracked` of every BatchNorm) and exports the same graph.
 */
const OPTIONAL_SUFFIXES = ['.num_batches_tracked'] as const;

export function isOptionalKey(key: string): boolean {
  return OPTIONAL_SUFFIXES.some((s) => key.endsWith(s));
}

/** The first way `weights` disagree with `expected`: missing keys, unexpected keys, or a shape (in `expected` order). */
export type Mismatch =
  | { readonly kind: 'missing'; readonly keys: readonly string[] }
  | { readonly kind: 'extra'; readonly keys: readonly string[] }
  | {
      readonly kind: 'shape';
      readonly key: string;
      /** Position of `key` in `expected`: how far the weights agreed. */
      readonly index: number;
      readonly actual: readonly number[];
      readonly expected: readonly number[];
    };

export function findMismatch(weights: StateDict, expected: ReadonlyMap<string, readonly number[]>): Mismatch | null {
  const missing = [...expected.keys()].filter((k) => !weights.has(k) && !isOptionalKey(k));
  if (missing.length > 0) return { kind: 'missing', keys: missing };
  const extra = [...weights.keys()].filter((k) => !expected.has(k));
  if (extra.length > 0) return { kind: 'extra', keys: extra };
  let index = 0;
  for (const [key, shape] of expected) {
    const t = weights.get(key);
    if (t && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
      return { kind: 'shape', key, index, actual: t.shape, expected: shape };
    }
    index++;
  }
  return null;
}

function list(keys: readonly string[]): string {
  const shown = keys.slice(0, LIST_AT_MOST).join(', ');
  return keys.length > LIST_AT_MOST ? `${shown} (+${keys.length - LIST_AT_MOST} more)` : shown;
}

/** The error for a mismatch; `hint` replaces the default hint of a shape mismatch. */
export function mismatchError(m: Mismatch, where: string, what: string, hint?: string): GcError {
  switch (m.kind) {
    case 'missing':
      return new GcError('E_WEIGHTS_KEYS', `${where}: ${m.keys.length} key(s) of the ${what} are missing: ${list(m.keys)}`, {
        hint: 'check "architecture" and "ngf" in subnet.json; the weights must be the state_dict of the supernet, the sub-network or the full generator',
      });
    case 'extra':
      return new GcError('E_WEIGHTS_KEYS', `${where}: ${m.keys.length} key(s) are not part of the ${what}: ${list(m.keys)}`, {
        hint: 'is this a checkpoint of another architecture (or a discriminator / optimizer state)?',
      });
    case 'shape':
      return new GcError(
        'E_WEIGHTS_SHAPE',
        `${where}: ${m.key} has shape ${shapeString(m.actual)}, the ${what} expects ${shapeString(m.expected)}`,
        { hint: hint ?? 'check "ngf" (and the input/output channels) in subnet.json' },
      );
  }
}

/**
 * `where` names the weights file; `what` the expected form (e.g. "<architecture> supernet (ngf 16)").
 * One clear error each for missing keys, unexpected keys and shape mismatches. Optional buffers
 * (`isOptionalKey`) may be missing.
 */
export function checkStateDict(
  weights: StateDict,
  expected: ReadonlyMap<string, readonly number[]>,
  where: string,
  what: string,
): void {
  const m = findMismatch(weights, expected);
  if (m) throw mismatchError(m, where, what);
}
