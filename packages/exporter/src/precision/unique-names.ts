/** Fresh value and node names for a graph pass: `base`, else `base_1`, `base_2`, ... never one the graph (or an earlier call) has. */
import type { Graph } from '@gc-edge/core';

export function uniqueNames(graph: Graph): (base: string) => string {
  const taken = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  for (const n of graph.nodes) for (const name of [n.name, ...n.outputs]) taken.add(name);
  return (base) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
}
