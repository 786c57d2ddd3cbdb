/**
 * A plain in-memory ONNX graph: what architectures build, what the float64 reference interpreter
 * runs, what gc-bench counts, and what `codec.ts` turns into ModelProto bytes (and back).
 */

export type AttributeValue =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'string'; readonly value: string };

export const attr = {
  int: (value: number): AttributeValue => ({ type: 'int', value }),
  ints: (value: readonly number[]): AttributeValue => ({ type: 'ints', value }),
  float: (value: number): AttributeValue => ({ type: 'float', value }),
  floats: (value: readonly number[]): AttributeValue => ({ type: 'floats', value }),
  string: (value: string): AttributeValue => ({ type: 'string', value }),
};

export interface GraphNode {
  readonly opType: string;
  /** Where the node comes from in the generator, e.g. `block3.sep1.depthwise`. */
  readonly name: string;
  /** Input value names; '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** The operator set's domain; absent (or '') for ONNX's own, `com.microsoft` for onnxruntime's contrib ops. */
  readonly domain?: string;
}

export type InitializerData =
  | { readonly dataType: 'float32'; readonly dims: readonly number[]; readonly data: Float32Array }
  | { readonly dataType: 'int64'; readonly dims: readonly number[]; readonly data: BigInt64Array }
  /** float16 bit patterns (ONNX FLOAT16): written by gc-export's precision pass; the decoder widens them to float32. */
  | { readonly dataType: 'float16'; readonly dims: readonly number[]; readonly data: Uint16Array }
  /** int8 values (QuantizeLinear/DequantizeLinear weights and zero points of a quantized graph); the decoder widens them to int64. */
  | { readonly dataType: 'int8'; readonly dims: readonly number[]; readonly data: Int8Array }
  /** int32 values (a quantized Conv's bias); the decoder widens them to int64. */
  | { readonly dataType: 'int32'; readonly dims: readonly number[]; readonly data: Int32Array };

/** A dimension is a fixed size or a symbolic name (`batch`, `height`, `width`). */
export type Dim = number | string;

export interface ValueInfo {
  readonly name: string;
  readonly elemType: 'float32' | 'float16' | 'int64';
  readonly shape: readonly Dim[];
}

export interface Graph {
  readonly name: string;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly nodes: readonly GraphNode[];
  readonly initializers: ReadonlyMap<string, InitializerData>;
}

export interface Model {
  readonly graph: Graph;
  readonly opset: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString?: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Operator sets of other domains the nodes use (`{'com.microsoft': 1}`), beside ONNX's `opset`. */
  readonly domainOpsets?: Readonly<Record<string, number>>;
}

/** Accumulates nodes and initializers with unique names; `finish()` checks nothing dangles. */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly initializers = new Map<string, InitializerData>();
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly taken = new Set<string>();

  /**
   * @param name graph name
   * @param opset the ONNX opset the graph targets; op builders read it where an op's signature
   *   changed between opsets (Clip, Pad, Resize, ...). 13 by default.
   */
  constructor(
    readonly name: string,
    readonly opset: number = 13,
  ) {}

  /** Declares a graph input and returns its value name. */
  input(info: ValueInfo): string {
    this.claim(info.name);
    this.inputs.push(info);
    return info.name;
  }

  /** Declares a graph output; the value must be produced by a node (rename with Identity if not). */
  output(info: ValueInfo): void {
    this.outputs.push(info);
  }

  /** Adds a float32 initializer named `name` (made unique if taken) and returns the name used. */
  float(name: string, dims: readonly number[], data: Float32Array): string {
    const unique = this.unique(name);
    this.initializers.set(unique, { dataType: 'float32', dims: [...dims], data });
    return unique;
  }

  /** Adds an int64 initializer (shape constants such as Pad's `pads`). */
  int64(name: string, values: readonly number[]): string {
    const unique = this.unique(name);
    this.initializers.set(unique, {
      dataType: 'int64',
      dims: [values.length],
      data: BigInt64Array.from(values.map((v) => BigInt(v))),
    });
    return unique;
  }

  /**
   * Adds a node named `name` (the value it produces is named after it too) and returns its single
   * output's name. For multi-output nodes pass `outputs`.
   */
  node(
    opType: string,
    name: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    outputs?: readonly string[],
  ): string {
    const nodeName = this.unique(name);
    const outs = outputs ? outputs.map((o) => this.unique(o)) : [nodeName];
    this.nodes.push({ opType, name: nodeName, inputs: [...inputs], outputs: outs, attributes });
    return outs[0]!;
  }

  /**
   * Gives a value the fixed name a graph output wants: the node that produces it is made to write
   * `name` directly (and its readers follow); only a graph input needs an Identity node.
   */
  rename(value: string, name: string): string {
    if (value === name) return value;
    this.claim(name);
    const at = this.nodes.findIndex((n) => n.outputs.includes(value));
    if (at < 0) {
      this.nodes.push({ opType: 'Identity', name, inputs: [value], outputs: [name], attributes: {} });
      return name;
    }
    const swap = (v: string): string => (v === value ? name : v);
    for (let i = at; i < this.nodes.length; i++) {
      const n = this.nodes[i]!;
      this.nodes[i] = { ...n, inputs: n.inputs.map(swap), outputs: n.outputs.map(swap) };
    }
    return name;
  }

  finish(): Graph {
    const produced = new Set<string>([...this.inputs.map((i) => i.name), ...this.initializers.keys()]);
    const used = new Set<string>();
    for (const n of this.nodes) {
      for (const i of n.inputs) {
        if (i === '') continue;
        if (!produced.has(i)) throw new Error(`graph ${this.name}: node ${n.name} reads '${i}' before it is produced`);
        used.add(i);
      }
      for (const o of n.outputs) produced.add(o);
    }
    for (const o of this.outputs) {
      if (!produced.has(o.name)) throw new Error(`graph ${this.name}: output '${o.name}' is never produced`);
      used.add(o.name);
    }
    // No unused initializers: drop what no node reads (e.g. a bias the architecture folded away).
    for (const name of [...this.initializers.keys()]) if (!used.has(name)) this.initializers.delete(name);
    return {
      name: this.name,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      nodes: [...this.nodes],
      initializers: new Map(this.initializers),
    };
  }

  private claim(name: string): void {
    if (this.taken.has(name)) throw new Error(`graph ${this.name}: the name '${name}' is already taken`);
    this.taken.add(name);
  }

  private unique(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }
}
