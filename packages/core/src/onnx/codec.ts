/** ModelProto bytes <-> the plain `Model` of graph.ts, via onnx-proto (protobufjs static code). */
import { onnx } from 'onnx-proto';
import { GcError } from '../errors';
import type { AttributeValue, Dim, Graph, GraphNode, InitializerData, Model, ValueInfo } from './graph';
import { tensorFromProto } from './tensor-proto';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;
const INT64 = onnx.TensorProto.DataType.INT64;
const INT8 = onnx.TensorProto.DataType.INT8;
const INT32 = onnx.TensorProto.DataType.INT32;

/** The ONNX element type of each of ours. */
const ELEM_TYPES: Readonly<Record<ValueInfo['elemType'] | InitializerData['dataType'], number>> = {
  float32: FLOAT,
  float16: FLOAT16,
  int64: INT64,
  int8: INT8,
  int32: INT32,
};
const AT = onnx.AttributeProto.AttributeType;

function encodeAttribute(name: string, a: AttributeValue): onnx.IAttributeProto {
  switch (a.type) {
    case 'int':
      return { name, type: AT.INT, i: a.value };
    case 'ints':
      return { name, type: AT.INTS, ints: [...a.value] };
    case 'float':
      return { name, type: AT.FLOAT, f: a.value };
    case 'floats':
      return { name, type: AT.FLOATS, floats: [...a.value] };
    case 'string':
      return { name, type: AT.STRING, s: Buffer.from(a.value, 'utf8') };
  }
}

function encodeTensor(name: string, t: InitializerData): onnx.ITensorProto {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name, dims: [...t.dims], dataType: ELEM_TYPES[t.dataType], rawData: bytes };
}

function encodeValueInfo(v: ValueInfo): onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ELEM_TYPES[v.elemType],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function encodeNode(n: GraphNode): onnx.INodeProto {
  return {
    opType: n.opType,
    name: n.name,
    input: [...n.inputs],
    output: [...n.outputs],
    attribute: Object.entries(n.attributes).map(([k, v]) => encodeAttribute(k, v)),
    ...(n.domain ? { domain: n.domain } : {}),
  };
}

export function encodeModel(model: Model): Uint8Array {
  const g = model.graph;
  const proto: onnx.IModelProto = {
    irVersion: model.opset >= 15 ? 8 : 7,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    docString: model.docString ?? '',
    opsetImport: [
      { domain: '', version: model.opset },
      ...Object.entries(model.domainOpsets ?? {}).map(([domain, version]) => ({ domain, version })),
    ],
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: g.name,
      node: g.nodes.map(encodeNode),
      initializer: [...g.initializers].map(([name, t]) => encodeTensor(name, t)),
      input: g.inputs.map(encodeValueInfo),
      output: g.outputs.map(encodeValueInfo),
    },
  };
  return onnx.ModelProto.encode(proto).finish();
}

function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

function decodeAttribute(a: onnx.IAttributeProto): AttributeValue | undefined {
  switch (a.type) {
    case AT.INT:
      return { type: 'int', value: toNumber(a.i) };
    case AT.INTS:
      return { type: 'ints', value: (a.ints ?? []).map(toNumber) };
    case AT.FLOAT:
      return { type: 'float', value: a.f ?? 0 };
    case AT.FLOATS:
      return { type: 'floats', value: [...(a.floats ?? [])] };
    case AT.STRING:
      return { type: 'string', value: Buffer.from(a.s ?? new Uint8Array()).toString('utf8') };
    default:
      return undefined; // graphs, tensors, ...: not used by the generators; ignored by our consumers
  }
}

function decodeValueInfo(v: onnx.IValueInfoProto): ValueInfo {
  const tt = v.type?.tensorType;
  const shape: Dim[] = (tt?.shape?.dim ?? []).map((d) =>
    d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined ? toNumber(d.dimValue) : '?',
  );
  const elemType = tt?.elemType === INT64 ? 'int64' : tt?.elemType === FLOAT16 ? 'float16' : 'float32';
  return { name: v.name ?? '', elemType, shape };
}

/**
 * Parses ModelProto bytes. Float initializers (float16 and double too) are read as float32, integer
 * ones as int64, others skipped (what gc-edge's readers need); `where` names the file in errors.
 */
export function decodeModel(bytes: Uint8Array, where = 'model'): Model {
  return modelFromProto(decodeModelProto(bytes, where), where);
}

/** The raw protobuf message, for readers that need more than `Model` keeps (e.g. Constant values). */
export function decodeModelProto(bytes: Uint8Array, where = 'model'): onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new GcError('E_ONNX_PARSE', `${where}: not an ONNX model (${(e as Error).message})`, {
      hint: 'pass a .onnx file written by gc-export or torch.onnx.export',
      cause: e,
    });
  }
}

/** `Model` from a decoded ModelProto; `where` names the file in errors. */
export function modelFromProto(proto: onnx.ModelProto, where = 'model'): Model {
  const g = proto.graph;
  if (!g) throw new GcError('E_ONNX_PARSE', `${where}: the model has no graph`);
  const initializers = new Map<string, InitializerData>();
  for (const t of g.initializer ?? []) {
    const d = tensorFromProto(t, where);
    if (d) initializers.set(t.name ?? '', d);
  }
  const nodes: GraphNode[] = (g.node ?? []).map((n, i) => {
    const attributes: Record<string, AttributeValue> = {};
    for (const a of n.attribute ?? []) {
      const v = decodeAttribute(a);
      if (v) attributes[a.name ?? ''] = v;
    }
    return {
      opType: n.opType ?? '',
      name: n.name || `${n.opType}_${i}`,
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attributes,
      ...(n.domain ? { domain: n.domain } : {}),
    };
  });
  const initNames = new Set(initializers.keys());
  const graph: Graph = {
    name: g.name ?? '',
    inputs: (g.input ?? []).filter((v) => !initNames.has(v.name ?? '')).map(decodeValueInfo),
    outputs: (g.output ?? []).map(decodeValueInfo),
    nodes,
    initializers,
  };
  const opset = (proto.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const others = (proto.opsetImport ?? []).filter((o) => o.domain && o.domain !== 'ai.onnx');
  const metadata: Record<string, string> = {};
  for (const p of proto.metadataProps ?? []) metadata[p.key ?? ''] = p.value ?? '';
  return {
    graph,
    opset: opset ? toNumber(opset.version) : 0,
    producerName: proto.producerName ?? '',
    producerVersion: proto.producerVersion ?? '',
    docString: proto.docString ?? '',
    metadata,
    ...(others.length > 0 ? { domainOpsets: Object.fromEntries(others.map((o) => [o.domain ?? '', toNumber(o.version)])) } : {}),
  };
}
