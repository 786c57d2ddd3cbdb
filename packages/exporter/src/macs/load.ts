/**
 * Reads an ONNX file for counting: `decodeModel` plus what it leaves out that shape inference needs —
 * the tensor `value` of Constant nodes (torch.onnx.export emits pads, clip bounds and norm scales that
 * way; lifted to initializers, the node dropped), ConstantOfShape's fill value, and initializers of
 * other dtypes (float16, double, int32, bool: widened to float32/int64).
 */
import { onnx } from 'onnx-proto';
import { GcError } from '../errors';
import { decodeModel } from '../onnx/codec';
import type { AttributeValue, GraphNode, InitializerData, Model } from '../onnx/graph';

const DT = onnx.TensorProto.DataType;

function num(v: number | { toNumber(): number }): number {
  return typeof v === 'number' ? v : v.toNumber();
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Any numeric TensorProto as float32 or int64 InitializerData; undefined for strings and such. */
export function tensorFromProto(t: onnx.ITensorProto, where: string): InitializerData | undefined {
  const dims = (t.dims ?? []).map(num);
  const n = dims.reduce((a, b) => a * b, 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const need = (bytes: number): void => {
    if (view && view.byteLength < n * bytes) {
      throw new GcError('E_ONNX_PARSE', `${where}: tensor '${t.name}' has ${view.byteLength} bytes, dims [${dims.join(', ')}] need ${n * bytes}`);
    }
  };
  const floats = (read: (i: number) => number, bytes: number, fallback: readonly number[]): InitializerData => {
    need(bytes);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = view ? read(i) : (fallback[i] ?? 0);
    return { dataType: 'float32', dims, data };
  };
  const ints = (read: (i: number) => bigint, bytes: number, fallback: readonly number[]): InitializerData => {
    need(bytes);
    const data = new BigInt64Array(n);
    for (let i = 0; i < n; i++) data[i] = view ? read(i) : BigInt(fallback[i] ?? 0);
    return { dataType: 'int64', dims, data };
  };
  switch (t.dataType) {
    case DT.FLOAT:
      return floats((i) => view!.getFloat32(i * 4, true), 4, t.floatData ?? []);
    case DT.DOUBLE:
      return floats((i) => view!.getFloat64(i * 8, true), 8, t.doubleData ?? []);
    case DT.FLOAT16:
      // without raw data, float16 values sit as uint16 bit patterns in int32_data
      return floats((i) => halfToFloat(view!.getUint16(i * 2, true)), 2, (t.int32Data ?? []).map(halfToFloat));
    case DT.INT64:
      return ints((i) => view!.getBigInt64(i * 8, true), 8, (t.int64Data ?? []).map(num));
    case DT.INT32:
      return ints((i) => BigInt(view!.getInt32(i * 4, true)), 4, t.int32Data ?? []);
    case DT.BOOL:
    case DT.UINT8:
      return ints((i) => BigInt(view!.getUint8(i)), 1, t.int32Data ?? []);
    default:
      return undefined;
  }
}

/** Decodes `bytes` (an .onnx file's content) into a Model ready for `countMacs`. */
export function readModelForCounting(bytes: Uint8Array, where = 'model'): Model {
  const model = decodeModel(bytes, where);
  const proto = onnx.ModelProto.decode(bytes);
  const initializers = new Map<string, InitializerData>(model.graph.initializers);
  for (const t of proto.graph?.initializer ?? []) {
    const name = t.name ?? '';
    if (initializers.has(name)) continue;
    const d = tensorFromProto(t, where);
    if (d) initializers.set(name, d);
  }
  const nodes: GraphNode[] = [];
  (proto.graph?.node ?? []).forEach((p, i) => {
    const node = model.graph.nodes[i]!;
    const tensorAttr = (p.attribute ?? []).find((a) => a.name === 'value' && a.t);
    const t = tensorAttr?.t ? tensorFromProto(tensorAttr.t, `${where}: node '${node.name}'`) : undefined;
    if (node.opType === 'Constant' && t && (!p.domain || p.domain === 'ai.onnx')) {
      initializers.set(node.outputs[0]!, t);
      return;
    }
    if (node.opType === 'ConstantOfShape' && t) {
      const fill = Number(t.data[0] ?? 0);
      const value: AttributeValue = t.dataType === 'int64' ? { type: 'ints', value: [fill] } : { type: 'floats', value: [fill] };
      nodes.push({ ...node, attributes: { ...node.attributes, value } });
      return;
    }
    nodes.push(p.domain && p.domain !== 'ai.onnx' ? { ...node, opType: `${p.domain}.${node.opType}` } : node);
  });
  const inputs = model.graph.inputs.filter((v) => !initializers.has(v.name));
  return { ...model, graph: { ...model.graph, inputs, nodes, initializers } };
}
