/**
 * A float64 forward pass over an in-memory Graph: the reference gc-export's --verify and the golden
 * tests compare onnxruntime against. Nodes run in graph order (builders emit them topologically);
 * intermediate values are dropped after their last use.
 */
import { fromFloat16Bits, GcError, type Graph, type GraphNode, type InitializerData, numel, shapeString } from '@gc-edge/core';
import { REFERENCE_OPS } from '../ops/registry';
import type { RefTensor } from './tensor';

function widen(t: InitializerData): RefTensor {
  const data =
    t.dataType === 'float32'
      ? Float64Array.from(t.data)
      : t.dataType === 'float16'
        ? Float64Array.from(fromFloat16Bits(t.data))
        : Float64Array.from(t.data, Number);
  return { dims: [...t.dims], data };
}

function checkInputs(graph: Graph, inputs: Readonly<Record<string, RefTensor>>): void {
  for (const info of graph.inputs) {
    const t = inputs[info.name];
    if (!t) throw new GcError('E_ARGS', `reference run of ${graph.name}: input '${info.name}' was not given`);
    const fits = t.dims.length === info.shape.length && info.shape.every((d, i) => typeof d === 'string' || d === t.dims[i]);
    if (!fits) {
      throw new GcError(
        'E_ARGS',
        `reference run of ${graph.name}: input '${info.name}' is ${shapeString(t.dims)}, the graph declares [${info.shape.join(', ')}]`,
      );
    }
    if (t.data.length !== numel(t.dims)) {
      throw new GcError(
        'E_ARGS',
        `reference run of ${graph.name}: input '${info.name}' has ${t.data.length} values for dims ${shapeString(t.dims)}`,
      );
    }
  }
}

/** Called after each node: how many of the graph's nodes ran, of how many. */
export type OnNode = (done: number, total: number, node: GraphNode) => void;

/** Runs `graph` on float64 `inputs` (by graph input name) and returns its outputs by name. */
export function runReference(graph: Graph, inputs: Readonly<Record<string, RefTensor>>, onNode?: OnNode): Record<string, RefTensor> {
  checkInputs(graph, inputs);
  const values = new Map<string, RefTensor>();
  for (const info of graph.inputs) values.set(info.name, inputs[info.name]!);
  for (const [name, t] of graph.initializers) values.set(name, widen(t));

  const remaining = new Map<string, number>();
  const use = (name: string): void => {
    remaining.set(name, (remaining.get(name) ?? 0) + 1);
  };
  for (const node of graph.nodes) for (const i of node.inputs) if (i !== '') use(i);
  for (const o of graph.outputs) use(o.name);

  let done = 0;
  for (const node of graph.nodes) {
    const op = REFERENCE_OPS[node.opType];
    if (!op) {
      throw new GcError(
        'E_GRAPH',
        `${node.name}: op ${node.opType} has no reference implementation (known: ${Object.keys(REFERENCE_OPS).join(', ')})`,
      );
    }
    const args = node.inputs.map((name) => {
      if (name === '') return undefined;
      const v = values.get(name);
      if (!v) throw new GcError('E_GRAPH', `${node.name} (${node.opType}): reads '${name}', which no earlier node produces`);
      return v;
    });
    const results = op(node, args);
    node.outputs.forEach((name, i) => {
      const r = results[i];
      if (name !== '' && r) values.set(name, r);
    });
    for (const name of node.inputs) {
      if (name === '') continue;
      const left = remaining.get(name)! - 1;
      remaining.set(name, left);
      if (left === 0) values.delete(name);
    }
    onNode?.(++done, graph.nodes.length, node);
  }

  const out: Record<string, RefTensor> = {};
  for (const o of graph.outputs) {
    const v = values.get(o.name);
    if (!v) throw new GcError('E_GRAPH', `reference run of ${graph.name}: output '${o.name}' was never produced`);
    out[o.name] = v;
  }
  return out;
}
