/**
 * EXPERIMENTAL, not in the CLI (docs/precision.md, "int8: measured, not adopted"): static int8 QDQ
 * quantization of a finished float32 graph, as TensorRT and onnxruntime's QDQ fusions read it. Every
 * Conv but the first and the last gets QuantizeLinear/DequantizeLinear pairs: its input and output
 * activations per tensor, its weights per output channel, all symmetric (zero point 0), its bias as
 * int32 at the input scale times the weight scale. InstanceNorm, ConvTranspose and everything else stay
 * float32. Activation ranges come from calibration (`calibrate`, the max |x| over calibration inputs).
 */
import { attr, type Graph, type GraphNode, type InitializerData } from '@gc-edge/core';
import { uniqueNames } from './unique-names';

const INT8_MAX = 127;

/** The Conv nodes the pass quantizes: all but the first and the last. */
export function quantizedConvs(graph: Graph): GraphNode[] {
  const convs = graph.nodes.filter((n) => n.opType === 'Conv');
  return convs.slice(1, -1);
}

/** The values whose ranges the pass needs: each quantized Conv's input and output. */
export function calibrationValues(graph: Graph): string[] {
  return [...new Set(quantizedConvs(graph).flatMap((n) => [n.inputs[0]!, n.outputs[0]!]))];
}

/** The graph with every calibration value also a graph output (for onnxruntime to report). */
export function withCalibrationOutputs(graph: Graph): Graph {
  const extra = calibrationValues(graph).filter((v) => !graph.outputs.some((o) => o.name === v));
  const outputs = extra.map((name) => ({ name, elemType: 'float32' as const, shape: ['n', 'c', 'h', 'w'] }));
  return { ...graph, outputs: [...graph.outputs, ...outputs] };
}

/**
 * Max |x| of every calibration value over `inputs` (each a full feed of the graph's first input),
 * run on onnxruntime's CPU provider.
 */
export async function calibrate(
  graph: Graph,
  encode: (g: Graph) => Uint8Array,
  inputs: readonly { readonly dims: readonly number[]; readonly data: Float32Array }[],
): Promise<Map<string, number>> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(encode(withCalibrationOutputs(graph)), { executionProviders: ['cpu'] });
  const ranges = new Map<string, number>();
  try {
    for (const input of inputs) {
      const out = await session.run({ [graph.inputs[0]!.name]: new ort.Tensor('float32', input.data, [...input.dims]) });
      for (const v of calibrationValues(graph)) {
        let peak = ranges.get(v) ?? 0;
        for (const x of out[v]!.data as Float32Array) peak = Math.max(peak, Math.abs(x));
        ranges.set(v, peak);
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}

export interface Int8Result {
  readonly graph: Graph;
  /** The Conv nodes quantized, by name. */
  readonly quantized: readonly string[];
}

/** The QDQ graph for `ranges` (max |x| per calibration value). */
export function toInt8Qdq(graph: Graph, ranges: ReadonlyMap<string, number>): Int8Result {
  const targets = new Set(quantizedConvs(graph));
  const unique = uniqueNames(graph);
  const initializers = new Map<string, InitializerData>(graph.initializers);
  const init = (base: string, t: InitializerData): string => {
    const name = unique(base);
    initializers.set(name, t);
    return name;
  };
  const zero8 = init('qdq.zero.int8', { dataType: 'int8', dims: [], data: new Int8Array(1) });
  const scaleOf = (v: string): number => Math.max(ranges.get(v) ?? 0, 1e-8) / INT8_MAX;

  const nodes: GraphNode[] = [];
  const qdq = new Map<string, string>();
  const dequantized = new Set<string>();
  /** x -> QuantizeLinear -> DequantizeLinear, once per value (a value already dequantized as it is). */
  const activation = (v: string): string => {
    if (dequantized.has(v)) return v;
    let out = qdq.get(v);
    if (out !== undefined) return out;
    const scale = init(`${v}.scale`, { dataType: 'float32', dims: [], data: Float32Array.of(scaleOf(v)) });
    const q = unique(`${v}.quantized`);
    out = unique(`${v}.dequantized`);
    nodes.push({ opType: 'QuantizeLinear', name: q, inputs: [v, scale, zero8], outputs: [q], attributes: {} });
    nodes.push({ opType: 'DequantizeLinear', name: out, inputs: [q, scale, zero8], outputs: [out], attributes: {} });
    qdq.set(v, out);
    dequantized.add(out);
    return out;
  };
  const renamed = new Map<string, string>();
  const quantized: string[] = [];
  for (const n0 of graph.nodes) {
    const n = { ...n0, inputs: n0.inputs.map((v) => renamed.get(v) ?? v) };
    if (!targets.has(n0)) {
      nodes.push(n);
      continue;
    }
    quantized.push(n.name);
    const x = activation(n.inputs[0]!);
    const sx = scaleOf(n0.inputs[0]!);
    const w = graph.initializers.get(n.inputs[1]!);
    if (w?.dataType !== 'float32') throw new Error(`${n.name}: weight '${n.inputs[1]}' is not a float32 initializer`);
    const channels = w.dims[0]!;
    const per = w.data.length / channels;
    const sw = new Float32Array(channels);
    const wq = new Int8Array(w.data.length);
    for (let c = 0; c < channels; c++) {
      let peak = 0;
      for (let i = c * per; i < (c + 1) * per; i++) peak = Math.max(peak, Math.abs(w.data[i]!));
      sw[c] = Math.max(peak, 1e-12) / INT8_MAX;
      for (let i = c * per; i < (c + 1) * per; i++) wq[i] = Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(w.data[i]! / sw[c]!)));
    }
    const wName = n.inputs[1]!;
    const wqName = init(`${wName}.int8`, { dataType: 'int8', dims: w.dims, data: wq });
    const swName = init(`${wName}.scale`, { dataType: 'float32', dims: [channels], data: sw });
    const zw = init(`${wName}.zero`, { dataType: 'int8', dims: [channels], data: new Int8Array(channels) });
    const wdq = unique(`${wName}.dequantized`);
    nodes.push({ opType: 'DequantizeLinear', name: wdq, inputs: [wqName, swName, zw], outputs: [wdq], attributes: { axis: attr.int(0) } });
    const inputs = [x, wdq];
    const bName = n.inputs[2];
    if (bName) {
      const b = graph.initializers.get(bName);
      if (b?.dataType !== 'float32') throw new Error(`${n.name}: bias '${bName}' is not a float32 initializer`);
      const sb = sw.map((s) => s * sx);
      const bq = Int32Array.from(b.data, (v, c) => Math.round(v / sb[c]!));
      const bqName = init(`${bName}.int32`, { dataType: 'int32', dims: b.dims, data: bq });
      const sbName = init(`${bName}.scale`, { dataType: 'float32', dims: [channels], data: sb });
      const zb = init(`${bName}.zero`, { dataType: 'int32', dims: [channels], data: new Int32Array(channels) });
      const bdq = unique(`${bName}.dequantized`);
      const axis = { axis: attr.int(0) };
      nodes.push({ opType: 'DequantizeLinear', name: bdq, inputs: [bqName, sbName, zb], outputs: [bdq], attributes: axis });
      inputs.push(bdq);
    }
    nodes.push({ ...n, inputs });
    const y = n.outputs[0]!;
    if (!graph.outputs.some((o) => o.name === y)) renamed.set(y, activation(y));
  }
  // Quantized weights replace the float ones; drop what no node reads any more.
  const used = new Set(nodes.flatMap((n) => n.inputs));
  for (const name of [...initializers.keys()]) if (!used.has(name)) initializers.delete(name);
  return { graph: { ...graph, nodes, initializers }, quantized };
}
