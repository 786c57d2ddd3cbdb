/**
 * Intermediate values as graph outputs, for comparing two runs node by node (gc-bench accuracy
 * --bisect, as Polygraphy's `--onnx-outputs mark all`). Works on the raw ModelProto so nothing the
 * plain `Model` drops (float16 initializers, other domains) is lost. Each exposed value goes through
 * a `Cast` to float32 (a no-op on float32, a widening on float16) so every probe comes back as
 * float32 whatever precision the graph computes in. The metadata is dropped: its model contract names
 * the model's own outputs, which the probed graph no longer matches.
 */
import { onnx } from 'onnx-proto';
import { GcError } from '../errors';
import { decodeModelProto } from './codec';

/** The suffix of a probe output: value `c1` is exposed as `c1__gc_probe`. */
export const PROBE_SUFFIX = '__gc_probe';

/** One node in graph order (ONNX requires topological order) with the values it produces. */
export interface NodeOutputs {
  readonly name: string;
  readonly opType: string;
  readonly outputs: readonly string[];
}

/** The nodes of a model in graph (topological) order, with their named outputs. */
export function nodesInOrder(bytes: Uint8Array, where = 'model'): NodeOutputs[] {
  const g = decodeModelProto(bytes, where).graph;
  if (!g) throw new GcError('E_ONNX_PARSE', `${where}: the model has no graph`);
  return (g.node ?? []).map((n, i) => ({
    name: n.name || `${n.opType ?? 'node'}_${i}`,
    opType: n.opType ?? '',
    outputs: (n.output ?? []).filter((o) => o !== ''),
  }));
}

/**
 * The model with `values` (node outputs) added as float32 graph outputs named `<value>__gc_probe`,
 * after the model's own outputs. A name that no node produces is refused (E_ARGS).
 */
export function exposeValues(bytes: Uint8Array, values: readonly string[], where = 'model'): Uint8Array {
  const proto = decodeModelProto(bytes, where);
  const g = proto.graph;
  if (!g) throw new GcError('E_ONNX_PARSE', `${where}: the model has no graph`);
  const produced = new Set((g.node ?? []).flatMap((n) => n.output ?? []));
  const nodes = [...(g.node ?? [])];
  const outputs = [...(g.output ?? [])];
  for (const v of values) {
    if (!produced.has(v)) throw new GcError('E_ARGS', `${where}: no node produces a value named '${v}'`);
    const probe = `${v}${PROBE_SUFFIX}`;
    nodes.push({
      name: probe,
      opType: 'Cast',
      input: [v],
      output: [probe],
      attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT }],
    });
    outputs.push({ name: probe, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
  }
  proto.metadataProps = [];
  g.node = nodes.map((n) => onnx.NodeProto.create(n));
  g.output = outputs.map((o) => onnx.ValueInfoProto.create(o));
  return onnx.ModelProto.encode(proto).finish();
}
