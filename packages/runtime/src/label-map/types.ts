/**
 * Public surface of the label-map pipeline: a semantic label map (PNG) in, the GauGAN (SPADE)
 * model input out, built the way upstream's SPADE data loader + `SPADEModel.preprocess_input` do:
 *
 *   label ids (uint8 PNG: ids as stored; 255 = dontcare) -> one-hot over `labelChannels` classes
 *   (+ 1 dontcare channel with `containDontcareLabel`) -> + 1 instance-edge channel (unless
 *   `noInstance`): 1 where a pixel's instance id differs from a 4-neighbour's. Without an instance
 *   map the edges come from the label ids themselves.
 *
 * Label images may be 8-bit greyscale (ids), 8-bit palette PNGs (ids = palette indices, as PIL reads
 * them), or RGB(A) colour images mapped through a {@link LabelPalette} (Cityscapes' by default).
 * Implementation: `encode.ts` (pure), `decode.ts` (sharp), `palette.ts`, `edges.ts`, `resize.ts`.
 */
import type { FloatTensor } from '../session/types';

/**
 * How the instance-edge channel is drawn:
 * - `upstream`: upstream's `get_edges` — both pixels on either side of an id change are 1
 *   (horizontally and vertically). The default: what released GauGAN models were trained on.
 * - `forward`: only the pixel to the right of / below an id change is 1. This is how the vendored
 *   fixture `test/fixtures/gan-compression/spade/input.npy` was built from its `labels.npy`.
 */
export type EdgeRule = 'upstream' | 'forward';
export const EDGE_RULES: readonly EdgeRule[] = ['upstream', 'forward'];

/** What to do when a label (or instance) map is not the requested size. */
export type LabelSizePolicy = 'refuse' | 'resize';
export const LABEL_SIZE_POLICIES: readonly LabelSizePolicy[] = ['refuse', 'resize'];

/** One class of a colour palette (cityscapesScripts' `Label`, the parts that matter here). */
export interface PaletteEntry {
  /** Class id; negative ids (Cityscapes' license plate, -1) never appear in label maps. */
  readonly id: number;
  readonly name?: string;
  readonly color: readonly [number, number, number];
}

/**
 * Colour -> class id for RGB label images. When several entries share a colour, the first one
 * with a non-negative id wins (cityscapesScripts' rule for inverse lookups).
 */
export interface LabelPalette {
  readonly name: string;
  readonly entries: readonly PaletteEntry[];
}

/** A decoded map of integer ids (class ids or instance ids), row-major. */
export interface IdMap {
  readonly width: number;
  readonly height: number;
  readonly ids: Int32Array;
}

export interface LabelMapOptions {
  /** Upstream `--input_nc` / label_nc: ids 0..labelChannels-1 are classes. Cityscapes: 35. */
  readonly labelChannels: number;
  /** Upstream `--contain_dontcare_label`: id 255 becomes channel `labelChannels`. Default false. */
  readonly containDontcareLabel?: boolean;
  /** Upstream `--no_instance`: no edge channel. Default false. */
  readonly noInstance?: boolean;
  /** Default `upstream`. */
  readonly edges?: EdgeRule;
  /**
   * The model's input channels (subnet.json `semanticChannels`); when given, a mismatch with what
   * the options above produce is an `E_LABEL_MAP` error spelling out the arithmetic.
   */
  readonly semanticChannels?: number;
  /** The model's input size; default: the label map's own size. */
  readonly width?: number;
  readonly height?: number;
  /** Default `refuse`. `resize` is nearest-neighbour with PIL's pixel-centre rule (upstream resizes with PIL NEAREST). */
  readonly sizePolicy?: LabelSizePolicy;
}

export interface DecodeOptions {
  /** For RGB(A) label images; default the Cityscapes palette. Ignored for greyscale and palette PNGs. */
  readonly palette?: LabelPalette;
  /** Refuse larger images (read from the header before decoding). Default 40 megapixels. */
  readonly maxPixels?: number;
  /** Names the image in errors (a path, a form field). Default `label map`. */
  readonly where?: string;
}

export interface PrepareLabelMapOptions extends LabelMapOptions, DecodeOptions {
  /** An instance-id PNG (8- or 16-bit greyscale, or RGB colours as ids); edges come from it. */
  readonly instance?: Uint8Array;
}

export interface LabelMapInput {
  /** dims `[1, channels, height, width]`, values 0/1. */
  readonly tensor: FloatTensor;
  /** The class ids after resizing and dontcare mapping (what the one-hot encodes), row-major. */
  readonly classIds: Int32Array;
  readonly width: number;
  readonly height: number;
}
