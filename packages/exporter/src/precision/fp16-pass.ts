/**
 * The fp16 graph pass: a finished float32 graph -> the same graph computing in float16, except the
 * nodes it keeps in float32 (by default every InstanceNormalization, whose statistics lose accuracy
 * in float16 — onnxruntime #10079, TensorRT #2691 — the final Tanh, and any op it does not know).
 * Float initializers read by float16 nodes become float16; a Cast is inserted wherever a value
 * crosses between the two (one per value and direction, shared by its readers); the graph inputs and
 * outputs are float32 unless `io` is 'fp16'. Independent of the architecture: it reads op types only.
 */
import {
  attr,
  FLOAT16_MAX,
  GcError,
  type Graph,
  type GraphNode,
  type InitializerData,
  type Precision,
  toFloat16Bits,
  type ValueInfo,
} from '@gc-edge/core';
import { isTypedInput, knowsOp } from './float-inputs';
import { uniqueNames } from './unique-names';

type FloatType = 'float32' | 'float16';

/** ONNX TensorProto data types, Cast's `to`. */
const CAST_TO: Readonly<Record<FloatType, number>> = { float32: 1, float16: 10 };
const SUFFIX: Readonly<Record<FloatType, string>> = { float32: 'fp32', float16: 'fp16' };

/** Op types kept in float32 by default. */
export const DEFAULT_KEPT_OPS: readonly string[] = ['InstanceNormalization'];

export interface Fp16Options {
  /** The graph inputs' and outputs' type; 'fp32' (the default) lets callers keep feeding float32. */
  readonly io?: Precision;
  /** Op types kept in float32 (default: {@link DEFAULT_KEPT_OPS}). */
  readonly keepOps?: readonly string[];
  /** Keep a Tanh that writes a graph output in float32 (default true). */
  readonly keepFinalTanh?: boolean;
}

export interface Fp16Result {
  readonly graph: Graph;
  /** The nodes left in float32, by name, in graph order (the Casts the pass adds are not listed). */
  readonly keptFp32: readonly string[];
}

export function toFp16(graph: Graph, options: Fp16Options = {}): Fp16Result {
  const ioType: FloatType = options.io === 'fp16' ? 'float16' : 'float32';
  const keepOps = new Set(options.keepOps ?? DEFAULT_KEPT_OPS);
  const outputNames = new Set(graph.outputs.map((o) => o.name));
  const keep = (n: GraphNode): boolean =>
    keepOps.has(n.opType) ||
    !knowsOp(n.opType) ||
    ((options.keepFinalTanh ?? true) && n.opType === 'Tanh' && n.outputs.some((o) => outputNames.has(o)));
  const precisionOf = new Map<GraphNode, FloatType>(graph.nodes.map((n) => [n, keep(n) ? 'float32' : 'float16']));

  const unique = uniqueNames(graph);

  // Float initializers read as float32 somewhere stay; a float16 copy is added for float16 readers.
  const readAs32 = new Set<string>();
  for (const n of graph.nodes) {
    n.inputs.forEach((v, i) => {
      if (graph.initializers.has(v) && (!isTypedInput(n.opType, i) || precisionOf.get(n) === 'float32')) readAs32.add(v);
    });
  }
  const initializers = new Map<string, InitializerData>(graph.initializers);
  const halfOf = new Map<string, string>();
  const halfInitializer = (name: string, t: InitializerData & { dataType: 'float32' }): string => {
    let half = halfOf.get(name);
    if (half !== undefined) return half;
    let peak = 0;
    for (const v of t.data) peak = Math.max(peak, Math.abs(v));
    if (!(peak <= FLOAT16_MAX)) {
      throw new GcError('E_GRAPH', `${name}: values up to ${peak.toExponential(3)} are beyond float16's range (+-${FLOAT16_MAX})`, {
        hint: 'export it with --precision fp32',
      });
    }
    half = readAs32.has(name) ? unique(`${name}.fp16`) : name;
    initializers.set(half, { dataType: 'float16', dims: t.dims, data: toFloat16Bits(t.data) });
    halfOf.set(name, half);
    return half;
  };

  const typeOf = new Map<string, FloatType | 'int64'>();
  for (const i of graph.inputs) typeOf.set(i.name, i.elemType === 'int64' ? 'int64' : ioType);
  for (const [name, t] of graph.initializers) typeOf.set(name, t.dataType === 'int64' ? 'int64' : 'float32');

  const nodes: GraphNode[] = [];
  const casts = new Map<string, string>();
  const cast = (value: string, to: FloatType): string => {
    const key = `${value}\u0000${to}`;
    let out = casts.get(key);
    if (out === undefined) {
      out = unique(`${value}.to_${SUFFIX[to]}`);
      nodes.push({ opType: 'Cast', name: out, inputs: [value], outputs: [out], attributes: { to: attr.int(CAST_TO[to]) } });
      typeOf.set(out, to);
      casts.set(key, out);
    }
    return out;
  };

  const keptFp32: string[] = [];
  for (const n of graph.nodes) {
    const p = precisionOf.get(n) ?? 'float32';
    if (p === 'float32') keptFp32.push(n.name);
    const inputs = n.inputs.map((v, i) => {
      if (v === '' || !isTypedInput(n.opType, i)) return v;
      const t = graph.initializers.get(v);
      if (t?.dataType === 'float32' && p === 'float16') return halfInitializer(v, t);
      const vt = typeOf.get(v);
      return vt === undefined || vt === 'int64' || vt === p ? v : cast(v, p);
    });
    nodes.push({ ...n, inputs });
    for (const o of n.outputs) typeOf.set(o, p);
  }

  // Outputs in the io type: the producer writes `<output>.fp16` (or .fp32) and a Cast writes the output.
  const outputs: ValueInfo[] = [];
  for (const o of graph.outputs) {
    const t = typeOf.get(o.name);
    if (t !== undefined && t !== 'int64' && t !== ioType) {
      const inner = unique(`${o.name}.${SUFFIX[t]}`);
      const swap = (v: string): string => (v === o.name ? inner : v);
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i]!;
        nodes[i] = { ...n, inputs: n.inputs.map(swap), outputs: n.outputs.map(swap) };
      }
      nodes.push({ opType: 'Cast', name: o.name, inputs: [inner], outputs: [o.name], attributes: { to: attr.int(CAST_TO[ioType]) } });
    }
    outputs.push(o.elemType === 'int64' ? o : { ...o, elemType: ioType });
  }
  return {
    graph: {
      ...graph,
      inputs: graph.inputs.map((i) => (i.elemType === 'int64' ? i : { ...i, elemType: ioType })),
      outputs,
      nodes,
      initializers,
    },
    keptFp32,
  };
}
