/**
 * What an architecture (one upstream generator family) provides to the export pipeline.
 * The pipeline (export.ts) does the common work: load weights, tell a supernet from a sub-network
 * checkpoint (weights-form.ts), check keys/shapes against `supernetShapes` or `subnet.shapes`,
 * synthesise weights for --random-init from the same tables, wrap the body with the `input`/`output`
 * declarations, metadata and serialisation.
 */
import type { GraphBuilder, InputKind, OutputKind, Role, SizeRule, StateDict } from '@gc-edge/core';
import type { InputSpec, SubnetSpec } from '../subnet/spec';

/**
 * The architecture's part of the model contract (docs/model-contract.md), which gc-serve and
 * gc-bench read instead of the architecture's name. The pipeline adds what the graph says: the
 * input/output names, channels, the export size (`default_size`) and the preprocessing each kind takes.
 */
export interface ArchitectureContract {
  /** Generators that can stand in for one another; compare measures students against the family's teacher. */
  readonly family: string;
  readonly role: Role;
  readonly input: {
    readonly kind: InputKind;
    /** The sizes height and width may take (with `--dynamic`). */
    readonly size: SizeRule;
    /** label_map only: the last channel is the instance-edge map. */
    readonly instanceEdge?: boolean;
  };
  readonly output: { readonly kind: OutputKind };
}

/**
 * How a checkpoint holds the generator: `supernet`, sliced to the config as upstream export.py does;
 * `subnet`, upstream's sub-network state_dict for the config (what export.py writes and the released
 * `latest_net_G.pth` files hold), taken as is; `full`, a generator without a config (a teacher).
 */
export type WeightsKind = 'supernet' | 'subnet' | 'full';

/**
 * The sub-network form of an architecture with a config (upstream's SubMobile*Generator state_dict).
 */
export interface SubnetForm {
  /**
   * ngf of the supernet the sub-network was cut from, for architectures whose sub-network still records
   * it (SPADE: the batch-norm statistics keep the supernet's width); absent where nothing does (the
   * ResNets: ngf is then only what subnet.json declares). Throws GcError('E_WEIGHTS_KEYS') when it can't tell.
   */
  readonly inferNgf?: (weights: StateDict) => number;
  /** Every state_dict key of the sub-network for `spec.config`, with its shape, in upstream order. */
  shapes(spec: SubnetSpec, ngf: number | null): Map<string, readonly number[]>;
  /**
   * The config these weights are the sub-network of, read off their shapes (`length` entries where the
   * config can be written so); null when the shapes give none. The caller checks it against `shapes`.
   */
  readConfig(weights: StateDict, length: number): number[] | null;
  /** As `Architecture.build`, from a sub-network checkpoint: every layer is taken as is. */
  build(g: GraphBuilder, input: string, weights: StateDict, spec: SubnetSpec, ngf: number | null): string;
}

export interface Architecture {
  /** subnet.json `architecture` value, e.g. `mobile_resnet_9blocks`. */
  readonly name: string;
  /** One line for help text and docs. */
  readonly description: string;
  /** Config entry counts accepted (e.g. [8, 6]); empty when the architecture takes no config. */
  readonly configLengths: readonly number[];
  /** A config to show in hints (the paper's published one where there is one); '' without a config. */
  readonly exampleConfig: string;
  /** Extra subnet.json fields this architecture reads (beyond the common ones); copied into the metadata as given. */
  readonly extraFields: readonly string[];
  /** The published supernet width: the ngf --random-init uses when subnet.json gives none. */
  readonly defaultNgf: number;

  /** What a consumer needs to know about the exported model (written as the `gc_edge.*` metadata). */
  contract(spec: SubnetSpec): ArchitectureContract;

  /**
   * Checks the architecture-specific fields in `spec.extras` and the input, and returns the input
   * to use (a default when subnet.json gave none). Throws GcError('E_SUBNET_JSON' | 'E_CONFIG').
   */
  resolveInput(spec: SubnetSpec, given: Partial<InputSpec> | undefined): InputSpec;

  /** ngf of the supernet these weights belong to. Throws GcError('E_WEIGHTS_KEYS') when it can't tell. */
  inferNgf(weights: StateDict): number;

  /**
   * Every state_dict key of a supernet with this ngf (and spec extras), with its shape, in upstream
   * order. Used to report missing/extra keys and shape mismatches, and by --random-init.
   */
  supernetShapes(spec: SubnetSpec, ngf: number): Map<string, readonly number[]>;

  /**
   * Checks the config against the supernet widths (error names the layer and both widths, e.g.
   * `block4.sep1.pointwise: config asks 48 channels but the supernet has 32 (ngf 8)`).
   */
  checkConfig(config: readonly number[] | null, ngf: number, spec: SubnetSpec): void;

  /**
   * Emits the sub-generator: reads `input` (NCHW float32) and returns the value name of the output
   * (before the final rename to `output`). Weights are sliced to the first k channels as upstream
   * export.py does. Node names say where they come from (`block3.sep1.depthwise`).
   */
  build(g: GraphBuilder, input: string, weights: StateDict, spec: SubnetSpec, ngf: number): string;

  /** Sub-network checkpoints; absent for architectures without a config (their weights are `full`). */
  readonly subnet?: SubnetForm;
}
