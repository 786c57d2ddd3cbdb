/** A validated subnet.json: what every architecture and the export pipeline work from. */
export interface InputSpec {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export interface SubnetSpec {
  /** Where the subnet.json came from (for error messages); '<inline>' when built in code. */
  readonly source: string;
  readonly architecture: string;
  /**
   * The checkpoint form the architecture name announced (upstream's `sub_*` / `super_*` --netG names);
   * it decides only between readings the shapes allow both of (a sub-network at the supernet's width).
   */
  readonly namedForm?: 'supernet' | 'subnet';
  /** Parsed channel config, or null for architectures without one (the full generators). */
  readonly config: readonly number[] | null;
  /** Absolute path of the weights file, or null (e.g. with --random-init). */
  readonly weights: string | null;
  /** ngf as declared; undefined means "infer from the weights". */
  readonly ngf: number | undefined;
  readonly input: InputSpec;
  readonly output: { readonly channels: number };
  /** Architecture-specific fields (`Architecture.extraFields`, e.g. GauGAN's semanticChannels and cropSize). */
  readonly extras: Readonly<Record<string, unknown>>;
}
