/**
 * The model contract: what a consumer (gc-serve, gc-bench) needs to know about an exported
 * generator, so that no consumer ever branches on an architecture name. gc-export writes it into the
 * ONNX metadata_props (metadata.ts, every key in docs/model-contract.md); consumers read it back
 * with `decodeContract`. Each exporter Architecture declares its part; a new architecture needs no
 * change in runtime or bench.
 */

/** The contract version this gc-edge writes and reads (`gc_edge.contract`). */
export const CONTRACT_VERSION = 1;

/**
 * What a consumer feeds an input with:
 * - `photo`: an RGB image (3 channels), made per `preprocess`;
 * - `label_map`: a semantic label map, one-hot over the classes (+ an instance-edge channel);
 * - `tensor`: anything else (a latent code, a feature map): sent as a tensor (gc-serve's infer route).
 */
export const INPUT_KINDS = ['photo', 'label_map', 'tensor'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

/** What an output holds: an RGB image (per `postprocess`), or a tensor returned as it is. */
export const OUTPUT_KINDS = ['photo', 'tensor'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/**
 * How a client's data becomes the input tensor:
 * - `rgb_pm1`: RGB uint8 x -> x / 127.5 - 1 (photo);
 * - `one_hot`: class ids -> one-hot channels (+ the instance-edge channel) (label_map);
 * - `none`: the tensor as sent (tensor).
 */
export const PREPROCESSING = ['rgb_pm1', 'one_hot', 'none'] as const;
export type Preprocessing = (typeof PREPROCESSING)[number];

/** How an output becomes what a client gets: `pm1_rgb` y -> (y + 1) / 2 * 255 clipped to uint8 RGB; `none`. */
export const POSTPROCESSING = ['pm1_rgb', 'none'] as const;
export type Postprocessing = (typeof POSTPROCESSING)[number];

/** The one preprocessing each input kind takes in contract 1. */
export const PREPROCESSING_OF: Readonly<Record<InputKind, Preprocessing>> = { photo: 'rgb_pm1', label_map: 'one_hot', tensor: 'none' };
/** The one postprocessing each output kind takes in contract 1. */
export const POSTPROCESSING_OF: Readonly<Record<OutputKind, Postprocessing>> = { photo: 'pm1_rgb', tensor: 'none' };

/**
 * Within a family, the `teacher` is the full generator the `student`s are compressed from: the
 * baseline speed-ups and MAC reductions are measured against.
 */
export const ROLES = ['teacher', 'student'] as const;
export type Role = (typeof ROLES)[number];

/** Height and width, in pixels (NCHW dims 2 and 3). */
export interface Size {
  readonly height: number;
  readonly width: number;
}

/**
 * The sizes an input's height and width may take: each a multiple of `multiple` and at least `min`;
 * with `fixed`, exactly that size (whatever the graph's dims say).
 */
export interface SizeRule {
  readonly multiple: number;
  readonly min: number;
  readonly fixed?: Size;
}

export interface ContractInput {
  /** The graph input's name. */
  readonly name: string;
  readonly kind: InputKind;
  /** NCHW dim 1: 3 for a photo, label classes (+ dontcare) + instance edge for a label map. */
  readonly channels: number;
  readonly preprocess: Preprocessing;
  readonly size: SizeRule;
  /** The size it was exported at: what warm-ups and benchmarks run symbolic dims at. */
  readonly defaultSize?: Size;
  /** label_map only: whether the last channel is the instance-edge map. */
  readonly instanceEdge?: boolean;
}

export interface ContractOutput {
  readonly name: string;
  readonly kind: OutputKind;
  readonly postprocess: Postprocessing;
}

export interface ModelContract {
  readonly version: number;
  /** Generators that can stand in for one another (`cyclegan-resnet`, `gaugan-spade`). */
  readonly family: string;
  readonly role: Role;
  /** In graph order. */
  readonly inputs: readonly ContractInput[];
  readonly outputs: readonly ContractOutput[];
}

/**
 * A contract as read from a file: from its `gc_edge.*` keys, or (`pre-contract`) derived from the
 * `architecture` key of a file exported before contract 1.
 */
export interface ReadContract extends ModelContract {
  readonly origin: 'contract' | 'pre-contract';
}

/** Whether `n` (a height or a width) fits the rule's multiple and minimum (a fixed size is checked per axis by the caller). */
export function fitsSizeRule(rule: SizeRule, n: number): boolean {
  return n >= rule.min && n % rule.multiple === 0;
}

/** The smallest size >= n (and >= 1) that fits the rule's multiple and minimum. */
export function fitUp(rule: SizeRule, n: number): number {
  const atLeast = Math.max(n, rule.min, 1);
  return Math.ceil(atLeast / rule.multiple) * rule.multiple;
}

/** `multiples of 4, at least 8`, `multiples of 64`, `any size`, or `256x512 (height x width)`. */
export function describeSizeRule(rule: SizeRule): string {
  if (rule.fixed) return `${rule.fixed.height}x${rule.fixed.width} (height x width)`;
  if (rule.multiple === 1 && rule.min <= 1) return 'any size';
  const multiple = rule.multiple > 1 ? `multiples of ${rule.multiple}` : '';
  const min = rule.min > rule.multiple ? `at least ${rule.min}` : '';
  return [multiple, min].filter(Boolean).join(', ');
}
