/** The float64 reference interpreter: `runReference(graph, inputs)` and its op table (read off ops/registry.ts). */
export { runReference } from './run';
export { REFERENCE_OPS } from '../ops/registry';
export type { RefOp, RefTensor } from './tensor';
