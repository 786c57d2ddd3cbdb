/**
 * Any numeric TensorProto (initializer or Constant value) as float32 or int64 data: float, double and
 * float16 widen to float32; int64, int32, bool and uint8 to int64. Undefined for strings and such.
 */
import { onnx } from 'onnx-proto';
import { GcError } from '../errors';
import { halfToFloat } from '../tensor/float16';
import { numel } from '../tensor/tensor';
import type { InitializerData } from './graph';

const DT = onnx.TensorProto.DataType;

function num(v: number | { toNumber(): number }): number {
  return typeof v === 'number' ? v : v.toNumber();
}

/** Any numeric TensorProto as float32 or int64 InitializerData; undefined for strings and such. */
export function tensorFromProto(t: onnx.ITensorProto, where: string): InitializerData | undefined {
  const dims = (t.dims ?? []).map(num);
  const n = numel(dims);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const need = (bytes: number): void => {
    if (view && view.byteLength < n * bytes) {
      throw new GcError(
        'E_ONNX_PARSE',
        `${where}: tensor '${t.name}' has ${view.byteLength} bytes, dims [${dims.join(', ')}] need ${n * bytes}`,
      );
    }
  };
  const floats = (read: (v: DataView, i: number) => number, bytes: number, fallback: readonly number[]): InitializerData => {
    need(bytes);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = view ? read(view, i) : (fallback[i] ?? 0);
    return { dataType: 'float32', dims, data };
  };
  const ints = (read: (v: DataView, i: number) => bigint, bytes: number, fallback: readonly number[]): InitializerData => {
    need(bytes);
    const data = new BigInt64Array(n);
    for (let i = 0; i < n; i++) data[i] = view ? read(view, i) : BigInt(fallback[i] ?? 0);
    return { dataType: 'int64', dims, data };
  };
  switch (t.dataType) {
    case DT.FLOAT:
      return floats((v, i) => v.getFloat32(i * 4, true), 4, t.floatData ?? []);
    case DT.DOUBLE:
      return floats((v, i) => v.getFloat64(i * 8, true), 8, t.doubleData ?? []);
    case DT.FLOAT16:
      // without raw data, float16 values sit as uint16 bit patterns in int32_data
      return floats((v, i) => halfToFloat(v.getUint16(i * 2, true)), 2, (t.int32Data ?? []).map(halfToFloat));
    case DT.INT64:
      return ints((v, i) => v.getBigInt64(i * 8, true), 8, (t.int64Data ?? []).map(num));
    case DT.INT32:
      return ints((v, i) => BigInt(v.getInt32(i * 4, true)), 4, t.int32Data ?? []);
    case DT.INT8:
      return ints((v, i) => BigInt(v.getInt8(i)), 1, t.int32Data ?? []);
    case DT.BOOL:
    case DT.UINT8:
      return ints((v, i) => BigInt(v.getUint8(i)), 1, t.int32Data ?? []);
    default:
      return undefined;
  }
}
