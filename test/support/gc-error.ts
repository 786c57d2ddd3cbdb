/** Test helper: runs `fn` and returns the GcError it throws (fails the test on anything else). */
import { GcError } from '@gc-edge/core';

export function gcErrorOf(fn: () => unknown): GcError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GcError) return e;
    throw e;
  }
  throw new Error('expected a GcError, but nothing was thrown');
}
