/**
 * The messages of grpc_predict_v2.proto (packages/runtime/proto/) as @grpc/proto-loader hands them
 * over with the options of proto.ts (field names as in the .proto, int64 as numbers, bytes as
 * Buffers, unset fields at their defaults), and the ModelInfer request in the v2 JSON shape that
 * kserve.ts checks, so both transports share one parser.
 */
import { GcError } from '@gc-edge/core';
import type { V2InferResponse } from '../kserve';

export interface NameRequest {
  readonly name: string;
  readonly version: string;
}

interface InferParameter {
  readonly bool_param?: boolean;
  readonly int64_param?: number;
  readonly string_param?: string;
}

interface InferTensorContents {
  readonly fp32_contents: readonly number[];
  readonly [other: string]: readonly unknown[];
}

export interface InferRequest {
  readonly model_name: string;
  readonly model_version: string;
  readonly id: string;
  readonly parameters: Readonly<Record<string, InferParameter>>;
  readonly inputs: readonly {
    readonly name: string;
    readonly datatype: string;
    readonly shape: readonly number[];
    readonly parameters: Readonly<Record<string, InferParameter>>;
    readonly contents: InferTensorContents | null;
  }[];
  readonly outputs: readonly { readonly name: string }[];
  readonly raw_input_contents: readonly Buffer[];
}

export interface ModelMetadataResponse {
  name: string;
  versions: string[];
  platform: string;
  inputs: { name: string; datatype: string; shape: number[] }[];
  outputs: { name: string; datatype: string; shape: number[] }[];
}

export interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: { name: string; datatype: string; shape: number[] }[];
  raw_output_contents: Buffer[];
}

/**
 * A ModelInfer request as the v2 JSON body and the binary data after it: raw_input_contents become
 * binary inputs (`parameters.binary_data_size`, in order), `contents.fp32_contents` JSON `data`.
 * Outputs are asked as binary: gRPC answers in raw_output_contents, as Triton does.
 */
export function inferRequestAsV2(req: InferRequest): { json: unknown; binary?: Buffer } {
  const raw = req.raw_input_contents;
  if (raw.length > 0 && raw.length !== req.inputs.length) {
    throw new GcError(
      'E_BAD_REQUEST',
      `raw_input_contents has ${raw.length} entries but the request has ${req.inputs.length} inputs; send one per input, in order`,
    );
  }
  const inputs = req.inputs.map((t, i) => {
    const head = { name: t.name, datatype: t.datatype, shape: [...t.shape] };
    const typed = typedCount(t.contents);
    if (raw.length > 0) {
      if (typed > 0) throw new GcError('E_BAD_REQUEST', `inputs[${i}]: both contents and raw_input_contents; send one`);
      return { ...head, parameters: { binary_data_size: raw[i]!.length } };
    }
    return { ...head, data: t.contents?.fp32_contents ?? [] };
  });
  const json: Record<string, unknown> = { inputs, parameters: { binary_data_output: true } };
  if (req.id !== '') json['id'] = req.id;
  if (req.outputs.length > 0) json['outputs'] = req.outputs.map((o) => ({ name: o.name }));
  if (raw.length === 0) return { json };
  return { json, binary: raw.length === 1 ? raw[0]! : Buffer.concat(raw) };
}

/** The v2 response (every output binary) as a ModelInferResponse. */
export function inferResponseFromV2(response: V2InferResponse, binary: Buffer[]): InferResponse {
  return {
    model_name: response.model_name,
    model_version: response.model_version,
    id: response.id ?? '',
    outputs: response.outputs.map((o) => ({ name: o.name, datatype: o.datatype, shape: o.shape })),
    raw_output_contents: binary,
  };
}

/** How many values the typed contents hold, over every type. */
function typedCount(contents: InferTensorContents | null): number {
  if (!contents) return 0;
  return Object.values(contents).reduce((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
}
