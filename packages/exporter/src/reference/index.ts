/** The float64 reference interpreter: `runReference(graph, inputs)` and its op table. */
export { runReference } from './run';
export { REFERENCE_OPS } from './registry';
export type { RefOp, RefTensor } from './tensor';
