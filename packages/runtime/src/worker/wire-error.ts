/**
 * Errors across the thread boundary: a GcError travels as plain `{code, message, hint}` data and
 * becomes a GcError again on the other side. A leaf: the protocol, the answers and both sides of
 * the thread import it; it imports nothing of theirs.
 */
import { GcError, type GcErrorCode } from '@gc-edge/core';

export interface WireError {
  readonly code: GcErrorCode;
  readonly message: string;
  readonly hint?: string;
}

export function toWire(e: unknown): WireError {
  if (e instanceof GcError) return e.hint ? { code: e.code, message: e.message, hint: e.hint } : { code: e.code, message: e.message };
  // GcError from another copy of the module (dist vs src) still has code/message.
  const x = e as { code?: unknown; message?: unknown; hint?: unknown };
  if (typeof x?.code === 'string' && x.code.startsWith('E_') && typeof x.message === 'string') {
    return typeof x.hint === 'string'
      ? { code: x.code as GcErrorCode, message: x.message, hint: x.hint }
      : { code: x.code as GcErrorCode, message: x.message };
  }
  return { code: 'E_INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

export function fromWire(w: WireError): GcError {
  return w.hint ? new GcError(w.code, w.message, { hint: w.hint }) : new GcError(w.code, w.message);
}
