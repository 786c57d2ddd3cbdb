/**
 * The one table from GcError codes to gRPC status codes, beside http-status.ts's table to HTTP
 * statuses: the same error gets the same message (and the hint, in the `gc-hint` trailer; the code
 * in `gc-code`) on both transports. The codes follow Triton's gRPC endpoint and the gRPC status
 * guide (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
 */
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { GcError, type GcErrorCode } from '@gc-edge/core';
import { toHttpError } from '../http-status';
import { clientMessage } from '../redact';

const GRPC_STATUS: Partial<Record<GcErrorCode, status>> = {
  E_BAD_REQUEST: status.INVALID_ARGUMENT,
  E_IMAGE: status.INVALID_ARGUMENT,
  E_LABEL_MAP: status.INVALID_ARGUMENT,
  E_MEDIA_TYPE: status.INVALID_ARGUMENT,
  E_UNAUTHORIZED: status.UNAUTHENTICATED,
  E_NOT_FOUND: status.NOT_FOUND,
  E_MODEL_NOT_FOUND: status.NOT_FOUND,
  E_MODEL_VERSION: status.NOT_FOUND,
  E_MODEL_UNLOADED: status.NOT_FOUND,
  E_IMAGE_TYPE: status.INVALID_ARGUMENT,
  E_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  E_IMAGE_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  E_OVERLOADED: status.UNAVAILABLE,
  E_NOT_READY: status.UNAVAILABLE,
  E_SHUTTING_DOWN: status.UNAVAILABLE,
  E_WORKER_CLOSED: status.UNAVAILABLE,
  E_DEADLINE: status.DEADLINE_EXCEEDED,
  E_REQUEST_TIMEOUT: status.DEADLINE_EXCEEDED,
  E_WORKER_CRASHED: status.INTERNAL,
  E_INTERNAL: status.INTERNAL,
};

/** gRPC status for an error code; anything not in the table is a server-side failure (INTERNAL). */
export function grpcStatusForCode(code: GcErrorCode): status {
  return GRPC_STATUS[code] ?? status.INTERNAL;
}

/**
 * Anything thrown while answering a call as a gRPC error: the GcError's message as `details`, its
 * code and hint as trailers, and the HTTP status the same error gets over HTTP (for the metrics).
 */
export function toGrpcError(e: unknown): { error: Partial<ServiceError>; httpStatus: number; gc: { code: string; message: string } } {
  const { status: httpStatus, body } = toHttpError(e);
  const code = e instanceof GcError ? e.code : (body.code as GcErrorCode);
  // As over HTTP: a server-side failure's message reaches the client without the daemon's paths or C++ frames.
  const details = httpStatus >= 500 ? clientMessage(body.error) : body.error;
  const metadata = new Metadata();
  metadata.set('gc-code', body.code);
  if (body.hint) metadata.set('gc-hint', body.hint);
  return {
    error: { code: grpcStatusForCode(code), details, metadata },
    httpStatus,
    gc: { code: body.code, message: body.error },
  };
}
