/** The ONNX opsets gc-edge emits, and the check builders run when an op's form depends on it. */
import { GcError } from '@gc-edge/core';

export const MIN_OPSET = 11;
export const MAX_OPSET = 17;
export const DEFAULT_OPSET = 13;

/** Throws E_ARGS unless `opset` is an integer in [MIN_OPSET, MAX_OPSET]; `where` names the caller. */
export function checkOpset(opset: number, where: string): void {
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new GcError('E_ARGS', `${where}: opset ${opset} is not supported (expected an integer in ${MIN_OPSET}..${MAX_OPSET})`, {
      hint: `pass --opset ${DEFAULT_OPSET} (the default) or another value in ${MIN_OPSET}..${MAX_OPSET}`,
    });
  }
}
