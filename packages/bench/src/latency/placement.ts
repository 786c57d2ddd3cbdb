/**
 * The report's placement: every kernel onnxruntime executed and its provider (from the session's
 * profiling trace), and a summary that says what is counted. onnxruntime optimises the graph before
 * running it (fusions, layout transforms, inserted copies), so executed kernels are not the ONNX
 * graph's nodes: `206 kernels on CPU after graph optimisation (129 graph nodes)`.
 */
import { type Placement, placementSummary } from '@gc-edge/runtime';
import type { ReportPlacement } from '../report/types';

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
