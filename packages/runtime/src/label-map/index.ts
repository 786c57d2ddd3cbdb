/**
 * Label maps in: PNG (+ optional instance PNG) -> the GauGAN (SPADE) model input, as upstream's
 * SPADE data loader and `preprocess_input` build it. Decisions are documented in `types.ts`.
 */
import { decodeInstancePng, decodeLabelPng } from './decode';
import { encodeLabelMap } from './encode';
import type { LabelMapInput, PrepareLabelMapOptions } from './types';

export type * from './types';
export { EDGE_RULES, LABEL_SIZE_POLICIES } from './types';
export { CITYSCAPES_PALETTE } from './cityscapes-palette';
export { loadPalette, parsePalette } from './palette';
export { decodeLabelPng, decodeInstancePng, LABEL_MAX_PIXELS } from './decode';
export { encodeLabelMap, labelInputChannels, DONTCARE_ID } from './encode';
export { instanceEdges } from './edges';
export { resizeIdMapNearest } from './resize';

/**
 * Decodes `label` (and `options.instance`) and builds the model input `[1, C, H, W]`. Throws
 * `E_LABEL_MAP` for a non-PNG or undecodable image, unknown colours, class ids outside the classes,
 * a size mismatch under `sizePolicy: 'refuse'`, or a channel count that does not match
 * `semanticChannels`; `E_ARGS` for bad options.
 */
export async function prepareLabelMap(label: Uint8Array, options: PrepareLabelMapOptions): Promise<LabelMapInput> {
  const where = options.where ?? 'label map';
  const decodeOptions = { maxPixels: options.maxPixels, where, ...(options.palette ? { palette: options.palette } : {}) };
  const labels = await decodeLabelPng(label, decodeOptions);
  const instance = options.instance
    ? await decodeInstancePng(options.instance, { ...decodeOptions, where: `${where}: instance map` })
    : undefined;
  return encodeLabelMap(labels, instance, options, where);
}
