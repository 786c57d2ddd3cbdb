/**
 * The KServe v2 / Triton inference protocol
 * (https://kserve.github.io/website/docs/concepts/architecture/data-plane/v2-protocol): parsing a
 * request's tensors against the model's inputs and building the response. JSON `data`, or raw
 * little-endian bytes after the JSON (the binary tensor data extension: `parameters.binary_data_size`
 * on an input; `binary_data` on a requested output, or `binary_data_output` on the request, for
 * binary outputs); the HTTP framing of that is kserve-binary.ts. Only FP32 tensors (every gc-edge
 * model is float32). Pure functions; the route is in routes/infer.ts.
 *
 * Nothing is allocated for a tensor before its shape is known to fit: dimensions at least 1, fixed
 * dimensions equal to the model's, symbolic height/width within the model's size rule, no more values
 * than a body within --max-body-mb can carry, exactly as many values as the data holds, and
 * height x width within the model's pixel cap (413).
 */
import { endianness } from 'node:os';
import { GcError, numel } from '@gc-edge/core';
import type { FloatTensor, TensorInfo, TensorMap } from '../session/types';
import { type PixelCap, checkPixelCap, describeSizeRule, fitUp, fitsSizeRule } from './input-rules';
import type { InputPlan } from './model-plan';

interface V2TensorMetadata {
  name: string;
  datatype: string;
  /** -1 for a dimension of any size. */
  shape: number[];
}

interface V2InferRequest {
  readonly id?: string;
  readonly feeds: TensorMap;
  /** Output names asked for, in order; undefined means all. */
  readonly outputs?: readonly string[];
  /** Outputs to answer as binary data (after the JSON); empty: all JSON. */
  readonly binaryOutputs: ReadonlySet<string>;
  /** `parameters.binary_data_output` of the request: outputs not listed default to binary. */
  readonly binaryByDefault: boolean;
}

interface V2OutputTensor {
  name: string;
  datatype: 'FP32';
  shape: number[];
  /** Absent when the tensor is sent as binary data (then `parameters.binary_data_size` says its bytes). */
  data?: number[];
  parameters?: { binary_data_size: number };
}

export interface V2InferResponse {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: V2OutputTensor[];
}

/** What the model takes beyond its declared shapes, and what the daemon allows. */
interface InferLimits {
  /** --max-body-mb in bytes: a tensor may not claim more values than a body this size can carry. */
  readonly maxBodyBytes: number;
  /** Height x width of a 4-D input at most this (413 beyond). */
  readonly pixelCap: PixelCap;
}

/** onnxruntime type names -> v2 datatypes. */
const DATATYPE: Readonly<Record<string, string>> = {
  float32: 'FP32',
  float16: 'FP32', // sessions convert float16 model I/O to and from FP32 (session/float16-io.ts)
  float64: 'FP64',
  int64: 'INT64',
  int32: 'INT32',
  int8: 'INT8',
  uint8: 'UINT8',
  bool: 'BOOL',
  string: 'BYTES',
};

const FP32_BYTES = 4;
const LITTLE_ENDIAN = endianness() === 'LE';

export function v2Metadata(t: TensorInfo): V2TensorMetadata {
  return {
    name: t.name,
    datatype: DATATYPE[t.type] ?? t.type.toUpperCase(),
    shape: t.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
  };
}

/**
 * Checks a parsed JSON body (and the binary data after it, if any) against the model's inputs and
 * returns the feeds. Every error is E_BAD_REQUEST naming the field:
 * `inputs[0].shape: [1,3,64,64] but model 'x' input 'input' is [1,3,256,256]`; E_IMAGE_TOO_LARGE
 * (413) over the pixel cap.
 */
export function parseInferRequest(
  body: unknown,
  model: string,
  /** The model's inputs as its plan holds requests to (shapes, size rules: model-plan.ts). */
  inputs: readonly InputPlan[],
  limits: InferLimits,
  binary?: Buffer,
): V2InferRequest {
  if (!isObject(body)) throw bad(`request body must be a JSON object, got ${describe(body)}`);
  const id = body['id'];
  if (id !== undefined && typeof id !== 'string') throw bad(`'id' must be a string, got ${describe(id)}`);
  const list = body['inputs'];
  if (!Array.isArray(list) || list.length === 0) throw bad(`'inputs' must be a non-empty array, got ${describe(list)}`);
  const binaryByDefault = booleanParameter(body['parameters'], 'binary_data_output', 'parameters');

  const feeds: Record<string, FloatTensor> = {};
  let offset = 0; // into `binary`: binary inputs follow each other in request order
  list.forEach((raw: unknown, i) => {
    const where = `inputs[${i}]`;
    if (!isObject(raw)) throw bad(`${where} must be an object, got ${describe(raw)}`);
    const name = raw['name'];
    if (typeof name !== 'string') throw bad(`${where}.name must be a string, got ${describe(name)}`);
    const info = inputs.find((t) => t.name === name);
    if (!info) {
      throw bad(`${where}.name: model '${model}' has no input '${name}'; its inputs are ${inputs.map((t) => `'${t.name}'`).join(', ')}`);
    }
    if (feeds[name]) throw bad(`${where}.name: input '${name}' given twice`);
    if (raw['datatype'] !== 'FP32') {
      throw bad(`${where}.datatype: '${String(raw['datatype'])}' but input '${name}' is FP32`);
    }
    const shape = checkShape(raw['shape'], where, model, info);
    const count = valueCount(shape, where, limits.maxBodyBytes);
    const binarySize = binaryDataSize(raw['parameters'], where);
    let data: Float32Array;
    if (binarySize !== undefined) {
      if (raw['data'] !== undefined) throw bad(`${where}: both 'data' and parameters.binary_data_size; send one`);
      if (!binary) {
        throw bad(`${where}.parameters.binary_data_size is set but the request carries no binary data`, {
          hint: 'binary tensors follow the JSON in the body, whose length the Inference-Header-Content-Length header gives',
        });
      }
      if (binarySize !== count * FP32_BYTES) {
        throw bad(
          `${where}.parameters.binary_data_size is ${binarySize} bytes but shape [${shape.join(',')}] of FP32 holds ${count * FP32_BYTES}`,
        );
      }
      if (offset + binarySize > binary.length) {
        throw bad(`${where}: binary data ends after ${binary.length - offset} of its ${binarySize} bytes`);
      }
      holdToCap(model, where, shape, limits.pixelCap);
      data = floatsFrom(binary.subarray(offset, offset + binarySize));
      offset += binarySize;
    } else {
      const n = countValues(raw['data'], where);
      if (n !== count) throw bad(`${where}.data has ${n} values but its shape [${shape.join(',')}] holds ${count}`);
      holdToCap(model, where, shape, limits.pixelCap);
      data = fill(raw['data'] as unknown[], count);
    }
    feeds[name] = { data, dims: shape };
  });
  for (const t of inputs) {
    if (!feeds[t.name]) throw bad(`'inputs' lacks '${t.name}', which model '${model}' needs`);
  }
  if (binary && offset !== binary.length) {
    throw bad(
      `the body carries ${binary.length} bytes of binary data after the JSON, but the inputs' binary_data_size add up to ${offset}`,
    );
  }

  const outputs = body['outputs'];
  let names: string[] | undefined;
  const binaryOutputs = new Set<string>();
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw bad(`'outputs' must be an array, got ${describe(outputs)}`);
    names = outputs.map((o: unknown, i) => {
      if (!isObject(o) || typeof o['name'] !== 'string') throw bad(`outputs[${i}] must be {"name": string}`);
      const asBinary = booleanParameter(o['parameters'], 'binary_data', `outputs[${i}].parameters`);
      if (asBinary ?? binaryByDefault) binaryOutputs.add(o['name']);
      return o['name'];
    });
  }
  const parsed: V2InferRequest = { feeds, binaryOutputs, binaryByDefault: binaryByDefault ?? false };
  return { ...parsed, ...(id !== undefined ? { id } : {}), ...(names ? { outputs: names } : {}) };
}

/** The response for `outputs` (all of them, or those asked for, in the order asked), and the binary data after it. */
export function buildInferResponse(
  model: string,
  request: V2InferRequest,
  outputs: TensorMap,
): { response: V2InferResponse; binary: Buffer[] } {
  const names = request.outputs ?? Object.keys(outputs);
  const binary: Buffer[] = [];
  const list = names.map((name): V2OutputTensor => {
    const t = outputs[name];
    if (!t) {
      throw bad(
        `outputs: model '${model}' has no output '${name}'; its outputs are ${Object.keys(outputs)
          .map((n) => `'${n}'`)
          .join(', ')}`,
      );
    }
    const asBinary = request.outputs ? request.binaryOutputs.has(name) : request.binaryByDefault;
    if (!asBinary) return { name, datatype: 'FP32', shape: [...t.dims], data: Array.from(t.data) };
    const bytes = bytesOf(t.data);
    binary.push(bytes);
    return { name, datatype: 'FP32', shape: [...t.dims], parameters: { binary_data_size: bytes.length } };
  });
  const response: V2InferResponse = { model_name: model, model_version: '1', outputs: list };
  if (request.id !== undefined) response.id = request.id;
  return { response, binary };
}

/** The shape as given, checked against the model's input: integers >= 1, fixed dims equal, symbolic height/width within the size rule. */
function checkShape(shape: unknown, where: string, model: string, info: InputPlan): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d))) {
    throw bad(`${where}.shape must be an array of integers, got ${describe(shape)}`);
  }
  const dims = shape as number[];
  dims.forEach((d, k) => {
    if (d < 1) throw bad(`${where}.shape[${k}] is ${d}; every dimension must be at least 1`);
  });
  const expected = info.shape;
  const fixed = (d: number | string | undefined): d is number => typeof d === 'number' && d >= 0;
  const fits = dims.length === expected.length && expected.every((d, k) => !fixed(d) || d === dims[k]);
  if (!fits) {
    throw bad(`${where}.shape: [${dims.join(',')}] but model '${model}' input '${info.name}' is [${expected.join(',')}]`);
  }
  if (dims.length === 4) {
    const rule = info.rule;
    const wrong = ([2, 3] as const).filter((k) => !fixed(expected[k]) && !fitsSizeRule(rule, dims[k]!));
    if (wrong.length > 0) {
      const [h, w] = [dims[2]!, dims[3]!];
      throw bad(
        `${where}.shape: height ${h} and width ${w} do not fit model '${model}': its height and width must be ${describeSizeRule(rule)}`,
        {
          hint: `the nearest size it takes is ${fitUp(rule, h)}x${fitUp(rule, w)} (height x width); pad or resize the tensor`,
        },
      );
    }
  }
  return dims;
}

/** Values the shape holds; refused (400) beyond what a body of --max-body-mb could carry, before any allocation. */
function valueCount(shape: readonly number[], where: string, maxBodyBytes: number): number {
  // A JSON number takes at least 2 bytes ("0,"), a binary FP32 value 4: no body carries more than this.
  const most = Math.floor(maxBodyBytes / 2) + 1;
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count > most) {
      const mb = Math.round((maxBodyBytes / 1024 / 1024) * 100) / 100;
      const total = numel(shape);
      const holds = Number.isSafeInteger(total) ? String(total) : total.toExponential(2);
      throw bad(
        `${where}.shape [${shape.join(',')}] holds ${holds} values, more than a request body of at most ${mb} MiB can carry (${most})`,
        {
          hint: 'send the data the shape says (start gc-serve with a larger --max-body-mb for larger tensors)',
        },
      );
    }
  }
  return count;
}

function holdToCap(model: string, where: string, shape: readonly number[], cap: PixelCap): void {
  if (shape.length === 4) checkPixelCap(model, `${where}.shape [${shape.join(',')}]`, shape[2]!, shape[3]!, cap);
}

/** How many numbers a flat or nested array holds (nothing allocated); 400 for anything but numbers. */
function countValues(data: unknown, where: string): number {
  if (!Array.isArray(data)) throw bad(`${where}.data must be an array of numbers, got ${describe(data)}`);
  let n = 0;
  const walk = (a: unknown[], depth: number): void => {
    if (depth > 8) throw bad(`${where}.data is nested deeper than any tensor shape`);
    for (const v of a) {
      if (typeof v === 'number') n++;
      else if (Array.isArray(v)) walk(v, depth + 1);
      else throw bad(`${where}.data[${n}] must be a number, got ${describe(v)}`);
    }
  };
  walk(data, 0);
  return n;
}

/** Row-major values of a flat or nested array already counted by {@link countValues}. */
function fill(data: unknown[], count: number): Float32Array {
  const out = new Float32Array(count);
  let n = 0;
  const walk = (a: unknown[]): void => {
    for (const v of a) {
      if (typeof v === 'number') out[n++] = v;
      else walk(v as unknown[]);
    }
  };
  walk(data);
  return out;
}

/** Little-endian FP32 bytes -> values (a copy, aligned). */
function floatsFrom(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.length / FP32_BYTES);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
  } else {
    for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * FP32_BYTES);
  }
  return out;
}

/** Values -> little-endian FP32 bytes. */
function bytesOf(data: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = Buffer.alloc(data.length * FP32_BYTES);
  data.forEach((v, i) => out.writeFloatLE(v, i * FP32_BYTES));
  return out;
}

/** `parameters.binary_data_size` of an input: undefined when absent. */
function binaryDataSize(parameters: unknown, where: string): number | undefined {
  if (parameters === undefined) return undefined;
  if (!isObject(parameters)) throw bad(`${where}.parameters must be an object, got ${describe(parameters)}`);
  const v = parameters['binary_data_size'];
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || (v as number) < 0) {
    throw bad(`${where}.parameters.binary_data_size must be a non-negative integer (bytes), got ${describe(v)}`);
  }
  return v as number;
}

/** A boolean entry of a `parameters` object: undefined when absent. */
function booleanParameter(parameters: unknown, key: string, where: string): boolean | undefined {
  if (parameters === undefined) return undefined;
  if (!isObject(parameters)) throw bad(`${where} must be an object, got ${describe(parameters)}`);
  const v = parameters[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw bad(`${where}.${key} must be true or false, got ${describe(v)}`);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}

function bad(message: string, options: { hint?: string } = {}): GcError {
  return new GcError('E_BAD_REQUEST', message, options);
}
