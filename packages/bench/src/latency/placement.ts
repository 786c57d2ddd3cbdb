/**
 * The report's placement: every kernel onnxruntime executed and its provider (from the session's
 * profiling trace), and a summary that says what is counted. onnxruntime optimises the graph before
 * running it (fusions, layout transforms, inserted copies), so executed kernels are not the ONNX
 * graph's nodes: `206 kernels on CPU after graph optimisation (129 graph nodes)`.
 */
import type { Placement } from '@gc-edge/runtime';
import type { ReportPlacement } from '../report/types';

export function placementSummary(byProvider: Readonly<Record<string, number>>, graphNodes: number | null): string {
  const entries = Object.entries(byProvider).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const graph = graphNodes === null ? '' : ` (${graphNodes} graph ${graphNodes === 1 ? 'node' : 'nodes'})`;
  if (entries.length === 0) return `no kernels executed${graph}`;
  const parts = entries.map(([p, n], i) => (i === 0 ? `${n} ${n === 1 ? 'kernel' : 'kernels'} on ${p}` : `${n} on ${p}`));
  return `${parts.join(', ')} after graph optimisation${graph}`;
}

export function reportPlacement(p: Placement, graphNodes: number | null): ReportPlacement {
  const byProvider = { ...p.byProvider };
  return {
    byProvider,
    summary: placementSummary(byProvider, graphNodes),
    nodes: p.nodes.map((n) => ({ name: n.name, opType: n.opType, provider: n.provider })),
    kernels: Object.values(byProvider).reduce((a, b) => a + b, 0),
    graphNodes,
  };
}
