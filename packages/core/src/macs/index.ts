/** MACs and parameters of an ONNX graph, the paper's way or exactly. */
export { countMacs, checkConvention, resolveInputShapes } from './count';
export { readModelForCounting } from './load';
export { EXPORT_SHAPE_METADATA, parseShapeString, withExportShape } from './export-shape';
export { supportedOps } from './registry';
export { MAC_CONVENTIONS } from './types';
export type { CountOptions, LayerCount, MacConvention, MacCount, ShapeOverrides } from './types';
