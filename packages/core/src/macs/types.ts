/**
 * Types shared by the MAC/parameter counter: what static shape inference knows about a value, and
 * the rule every op registers (shape inference + MACs + which inputs are learned parameters).
 */
import type { GraphNode } from '../onnx/graph';

/**
 * `paper`: torchprofile's 2020 rules, the figures GAN Compression published.
 * `exact`: an honest dense count (bias adds, ConvTranspose by input size, norms' real arithmetic).
 */
export type MacConvention = 'paper' | 'exact';
export const MAC_CONVENTIONS: readonly MacConvention[] = ['paper', 'exact'];

export type ValueDtype = 'float' | 'int' | 'bool';

/** What shape inference knows about one value: its static shape and, for constants, its data. */
export interface Value {
  readonly shape: readonly number[];
  readonly dtype: ValueDtype;
  /** Element data (C order) when the value is known statically (initializer, Constant, folded). */
  readonly data?: ArrayLike<number>;
  /** Name of the initializer (or lifted Constant) the value is, when it is one. */
  readonly initializer?: string;
}

/** What a rule sees of a node: its inputs resolved (undefined for an omitted optional input). */
export interface NodeContext {
  readonly node: GraphNode;
  readonly inputs: readonly (Value | undefined)[];
  readonly opset: number;
  /** `node 'block3.sep1.depthwise' (Conv)` — the prefix of every error about this node. */
  readonly where: string;
}

export interface OpRule {
  /** The ONNX op types the rule handles (default domain). */
  readonly opTypes: readonly string[];
  /** Output values (shapes; data when the op can be folded). */
  infer(ctx: NodeContext): Value[];
  /** MACs of one run of the node under `convention`; 0 when absent. */
  macs?(ctx: NodeContext, outputs: readonly Value[], convention: MacConvention): number;
  /** Indices of inputs that are learned parameters (counted when they are initializers). */
  learnedInputs?(ctx: NodeContext): readonly number[];
}

export interface LayerCount {
  readonly name: string;
  readonly opType: string;
  readonly outputShape: readonly number[];
  readonly macs: number;
  readonly params: number;
}

export interface MacCount {
  readonly macs: number;
  readonly params: number;
  readonly convention: MacConvention;
  /** Every node that computes on runtime data (pure shape/constant nodes are left out). */
  readonly layers: readonly LayerCount[];
}

/**
 * Shape overrides for symbolic dims: a graph input's full shape (`input: [1, 3, 512, 512]`) or one
 * named dimension (`height: 512`).
 */
export type ShapeOverrides = Readonly<Record<string, readonly number[] | number>>;

export interface CountOptions {
  readonly convention?: MacConvention;
  readonly shapes?: ShapeOverrides;
}
