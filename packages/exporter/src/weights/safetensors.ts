/**
 * safetensors: 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`, then the data area
 * the offsets are relative to. Every field is checked against the file before anything is allocated.
 */
import { GcError, numel, type StateDict, type Tensor } from '@gc-edge/core';
import { decodeContiguous, ITEM_SIZE, type DType } from './dtypes';

const DTYPES: Readonly<Record<string, DType>> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  F64: 'float64',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

const HINT = 'the file is damaged or not a safetensors file; re-save it with safetensors.torch.save_file(state_dict, path)';

/**
 * True when the bytes start like a safetensors file: '{' after the 8-byte length, and with
 * `strict` also a header length that fits in the file.
 */
export function looksLikeSafetensors(bytes: Uint8Array, strict: boolean): boolean {
  if (bytes.length < 9 || bytes[8] !== 0x7b) return false;
  return !strict || 8 + readHeaderLength(bytes) <= bytes.length;
}

function readHeaderLength(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return v.getUint32(0, true) + v.getUint32(4, true) * 4294967296;
}

interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

export function readSafetensors(bytes: Uint8Array, where: string): StateDict {
  const bad = (what: string): GcError => new GcError('E_WEIGHTS_FORMAT', `${where}: ${what}`, { hint: HINT });
  if (bytes.length < 8) throw bad(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const n = readHeaderLength(bytes);
  if (8 + n > bytes.length) throw bad(`header length says ${n} bytes but only ${bytes.length - 8} follow it`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw bad(`header (bytes 8..${8 + n}) is not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw bad('header JSON is not an object');
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    entries.push(parseEntry(name, raw, dataLen, bad));
  }
  // File order is data order (JSON key order is not kept for integer-like names).
  entries.sort((a, b) => a.begin - b.begin);
  const out: StateDict = new Map();
  for (const e of entries) {
    const count = numel(e.shape);
    const tensor: Tensor = { shape: e.shape, data: decodeContiguous(bytes, dataStart + e.begin, count, e.dtype) };
    out.set(e.name, tensor);
  }
  return out;
}

function parseEntry(name: string, raw: unknown, dataLen: number, bad: (what: string) => GcError): Entry {
  const at = `tensor '${name}'`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(`${at}: header entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  const dt = typeof dtype === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, dtype) ? DTYPES[dtype] : undefined;
  if (typeof dtype !== 'string' || dt === undefined) {
    throw bad(`${at}: dtype ${JSON.stringify(dtype)} is not supported (one of ${Object.keys(DTYPES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw bad(`${at}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw bad(`${at}: data_offsets ${JSON.stringify(offsets)} is not [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLen) throw bad(`${at}: data_offsets [${begin}, ${end}] lie outside the data area of ${dataLen} bytes`);
  const numelBytes = numel(shape as number[]) * ITEM_SIZE[dt];
  if (numelBytes !== end - begin) {
    throw bad(`${at}: shape [${shape.join(', ')}] of ${dtype} needs ${numelBytes} bytes but data_offsets span ${end - begin}`);
  }
  return { name, dtype: dt, shape: (shape as number[]).slice(), begin, end };
}
