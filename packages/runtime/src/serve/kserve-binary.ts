/**
 * The HTTP framing of a v2 infer request and response, with the binary tensor data extension
 * (https://kserve.github.io/website/docs/concepts/architecture/data-plane/v2-protocol/binary-tensor-data-extension):
 * when an `Inference-Header-Content-Length: N` header is present, the first N bytes of the body are
 * the JSON and the rest is the inputs' raw data, in request order; likewise for the response when an
 * output is sent as binary. What Triton's `tritonclient.http` sends by default.
 */
import { GcError } from '@gc-edge/core';
import type { V2InferResponse } from './kserve';

/** The header that says how long the JSON part of a body is. */
export const INFERENCE_HEADER_LENGTH = 'inference-header-content-length';

/** Content types an infer request may have: JSON, or (with the header) JSON + binary. */
const JSON_TYPE = 'application/json';
const BINARY_TYPE = 'application/octet-stream';

interface InferBody {
  readonly json: unknown;
  /** The bytes after the JSON when the request uses the binary extension. */
  readonly binary?: Buffer;
}

/**
 * Splits and parses a request body: E_MEDIA_TYPE (415) for a Content-Type that is neither JSON nor
 * (with the header) octet-stream, E_BAD_REQUEST (400) for a bad header or malformed JSON.
 */
export function readInferBody(contentType: string | undefined, headerLength: string | string[] | undefined, body: unknown): InferBody {
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  const framed = headerLength !== undefined;
  const allowed = framed ? [JSON_TYPE, BINARY_TYPE] : [JSON_TYPE];
  if (type !== '' && !allowed.includes(type)) {
    const binaryNeeds = framed ? '' : ` (${BINARY_TYPE} with an Inference-Header-Content-Length header)`;
    throw new GcError(
      'E_MEDIA_TYPE',
      `Content-Type '${type.slice(0, 80)}' is not one the v2 protocol takes: ${allowed.join(', ')}${binaryNeeds}`,
      {
        hint: "with curl: -H 'Content-Type: application/json'",
      },
    );
  }
  let jsonBytes = bytes;
  let binary: Buffer | undefined;
  if (framed) {
    const raw = Array.isArray(headerLength) ? headerLength.join(',') : headerLength;
    const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(n) || n > bytes.length) {
      throw new GcError(
        'E_BAD_REQUEST',
        `Inference-Header-Content-Length '${raw.slice(0, 40)}' is not a byte count within the ${bytes.length}-byte body`,
      );
    }
    jsonBytes = bytes.subarray(0, n);
    binary = bytes.subarray(n);
  }
  const text = jsonBytes.toString('utf8');
  if (text.trim() === '') throw new GcError('E_BAD_REQUEST', 'request body is empty; send a v2 inference request (JSON)');
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    throw new GcError('E_BAD_REQUEST', `request body is not valid JSON: ${(e as Error).message}`);
  }
  return binary ? { json, binary } : { json };
}

/** The response body and its headers: plain JSON, or JSON + the binary outputs with the header. */
export function encodeInferResponse(
  response: V2InferResponse,
  binary: readonly Buffer[],
): { body: Buffer | string; headers: Record<string, string> } {
  const json = JSON.stringify(response);
  if (binary.length === 0) return { body: json, headers: { 'content-type': 'application/json; charset=utf-8' } };
  const head = Buffer.from(json, 'utf8');
  return {
    body: Buffer.concat([head, ...binary]),
    headers: { 'content-type': BINARY_TYPE, [INFERENCE_HEADER_LENGTH]: String(head.length) },
  };
}
