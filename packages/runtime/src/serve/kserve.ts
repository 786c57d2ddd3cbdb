/**
 * The KServe v2 / Triton inference protocol's JSON tensors
 * (https://kserve.github.io/website/docs/concepts/architecture/data-plane/v2-protocol): parsing a
 * request body against the model's inputs and building the response. Pure functions; the route is
 * in routes/infer.ts. Only FP32 tensors (every gc-edge model is float32); the binary-data extension
 * is not supported.
 */
import { GcError } from '@gc-edge/exporter';
import type { FloatTensor, TensorInfo, TensorMap } from '../session/types';

export interface V2TensorMetadata {
  name: string;
  datatype: string;
  /** -1 for a dimension of any size. */
  shape: number[];
}

export interface V2InferRequest {
  readonly id?: string;
  readonly feeds: TensorMap;
  /** Output names asked for; undefined means all. */
  readonly outputs?: readonly string[];
}

export interface V2InferResponse {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: { name: string; datatype: 'FP32'; shape: number[]; data: number[] }[];
}

/** onnxruntime type names -> v2 datatypes. */
const DATATYPE: Readonly<Record<string, string>> = {
  float32: 'FP32',
  float16: 'FP16',
  float64: 'FP64',
  int64: 'INT64',
  int32: 'INT32',
  int8: 'INT8',
  uint8: 'UINT8',
  bool: 'BOOL',
  string: 'BYTES',
};

export function v2Metadata(t: TensorInfo): V2TensorMetadata {
  return {
    name: t.name,
    datatype: DATATYPE[t.type] ?? t.type.toUpperCase(),
    shape: t.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
  };
}

/**
 * Checks a parsed JSON body against the model's inputs and returns the feeds. Every error is
 * E_BAD_REQUEST naming the field: `inputs[0].shape: [1,3,64,64] but model 'x' input 'input' is [1,3,256,256]`.
 */
export function parseInferRequest(body: unknown, model: string, inputs: readonly TensorInfo[]): V2InferRequest {
  if (!isObject(body)) throw bad(`request body must be a JSON object, got ${describe(body)}`);
  const id = body['id'];
  if (id !== undefined && typeof id !== 'string') throw bad(`'id' must be a string, got ${describe(id)}`);
  const list = body['inputs'];
  if (!Array.isArray(list) || list.length === 0) throw bad(`'inputs' must be a non-empty array, got ${describe(list)}`);

  const feeds: Record<string, FloatTensor> = {};
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
    const shape = raw['shape'];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw bad(`${where}.shape must be an array of non-negative integers, got ${describe(shape)}`);
    }
    const expected = info.shape;
    const fits =
      shape.length === expected.length && expected.every((d, k) => typeof d !== 'number' || d < 0 || d === shape[k]);
    if (!fits) {
      throw bad(`${where}.shape: [${shape.join(',')}] but model '${model}' input '${name}' is [${expected.join(',')}]`);
    }
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const data = flatten(raw['data'], count, where);
    feeds[name] = { data, dims: shape as number[] };
  });
  for (const t of inputs) {
    if (!feeds[t.name]) throw bad(`'inputs' lacks '${t.name}', which model '${model}' needs`);
  }

  const outputs = body['outputs'];
  let names: string[] | undefined;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw bad(`'outputs' must be an array, got ${describe(outputs)}`);
    names = outputs.map((o: unknown, i) => {
      if (!isObject(o) || typeof o['name'] !== 'string') throw bad(`outputs[${i}] must be {"name": string}`);
      return o['name'];
    });
  }
  const parsed: V2InferRequest = { feeds };
  return { ...parsed, ...(id !== undefined ? { id } : {}), ...(names ? { outputs: names } : {}) };
}

/** The response body for `outputs` (all of them, or those asked for, in the order asked). */
export function buildInferResponse(model: string, request: V2InferRequest, outputs: TensorMap): V2InferResponse {
  const names = request.outputs ?? Object.keys(outputs);
  const list = names.map((name) => {
    const t = outputs[name];
    if (!t) {
      throw bad(`outputs: model '${model}' has no output '${name}'; its outputs are ${Object.keys(outputs).map((n) => `'${n}'`).join(', ')}`);
    }
    return { name, datatype: 'FP32' as const, shape: [...t.dims], data: Array.from(t.data) };
  });
  const res: V2InferResponse = { model_name: model, model_version: '1', outputs: list };
  if (request.id !== undefined) res.id = request.id;
  return res;
}

/** Row-major data as a flat or nested array of numbers, exactly `count` of them. */
function flatten(data: unknown, count: number, where: string): Float32Array {
  if (!Array.isArray(data)) throw bad(`${where}.data must be an array of numbers, got ${describe(data)}`);
  const out = new Float32Array(count);
  let n = 0;
  const walk = (a: unknown[], depth: number): void => {
    if (depth > 8) throw bad(`${where}.data is nested deeper than any tensor shape`);
    for (const v of a) {
      if (typeof v === 'number') {
        if (n >= count) throw bad(`${where}.data has more than the ${count} values its shape holds`);
        out[n++] = v;
      } else if (Array.isArray(v)) {
        walk(v, depth + 1);
      } else {
        throw bad(`${where}.data[${n}] must be a number, got ${describe(v)}`);
      }
    }
  };
  walk(data, 0);
  if (n !== count) throw bad(`${where}.data has ${n} values but its shape holds ${count}`);
  return out;
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

function bad(message: string): GcError {
  return new GcError('E_BAD_REQUEST', message);
}
