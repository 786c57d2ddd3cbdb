/**
 * Where nodes actually run, read from an onnxruntime profiling trace (Chrome trace JSON: one
 * `{cat: 'Node', name: '<node>_kernel_time', args: {op_name, provider}}` event per executed kernel).
 */
import { GcError } from '@gc-edge/core';
import { shortProviderName } from './providers';
import type { Placement } from './types';

interface TraceEvent {
  readonly cat?: unknown;
  readonly name?: unknown;
  readonly args?: { readonly op_name?: unknown; readonly provider?: unknown };
}

const KERNEL_SUFFIX = '_kernel_time';

/** Counts executed kernels per provider; each node counts once however many runs were traced. */
export function parsePlacement(trace: unknown, where = 'profiling trace'): Placement {
  if (!Array.isArray(trace)) {
    throw new GcError('E_SESSION', `${where}: expected a JSON array of trace events, got ${typeof trace}`);
  }
  const seen = new Map<string, { name: string; opType: string; provider: string }>();
  for (const ev of trace as TraceEvent[]) {
    if (ev?.cat !== 'Node' || typeof ev.name !== 'string' || !ev.name.endsWith(KERNEL_SUFFIX)) continue;
    const provider = ev.args?.provider;
    if (typeof provider !== 'string') continue;
    const name = ev.name.slice(0, -KERNEL_SUFFIX.length);
    if (seen.has(name)) continue;
    const opType = typeof ev.args?.op_name === 'string' ? ev.args.op_name : '?';
    seen.set(name, { name, opType, provider: shortProviderName(provider) });
  }
  const byProvider: Record<string, number> = {};
  for (const n of seen.values()) byProvider[n.provider] = (byProvider[n.provider] ?? 0) + 1;
  return { byProvider, nodes: [...seen.values()], summary: placementSummary(byProvider) };
}

/**
 * `206 kernels on CPU after graph optimisation (128 graph nodes)`, largest first. onnxruntime
 * optimises the graph before running it (fusions, layout transforms, inserted copies), so what the
 * trace counts are kernels of the optimised graph, not the ONNX file's nodes; the graph's own node
 * count is added where it is known.
 */
export function placementSummary(byProvider: Readonly<Record<string, number>>, graphNodes: number | null = null): string {
  const entries = Object.entries(byProvider).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const graph = graphNodes === null ? '' : ` (${graphNodes} graph ${graphNodes === 1 ? 'node' : 'nodes'})`;
  if (entries.length === 0) return `no kernels executed${graph}`;
  const parts = entries.map(([p, n], i) => (i === 0 ? `${n} ${n === 1 ? 'kernel' : 'kernels'} on ${p}` : `${n} on ${p}`));
  return `${parts.join(', ')} after graph optimisation${graph}`;
}
