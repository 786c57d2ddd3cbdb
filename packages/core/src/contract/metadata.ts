/**
 * The model contract <-> ONNX metadata_props (string -> string), under versioned `gc_edge.*` keys
 * (docs/model-contract.md lists every one):
 *
 *   gc_edge.contract = 1            gc_edge.family = cyclegan-resnet    gc_edge.role = student
 *   gc_edge.inputs = 1              gc_edge.input.0.name = input        gc_edge.input.0.kind = photo
 *   gc_edge.input.0.channels = 3    gc_edge.input.0.preprocess = rgb_pm1
 *   gc_edge.input.0.size.multiple = 4   gc_edge.input.0.size.min = 8   [gc_edge.input.0.size.fixed = 256x512]
 *   gc_edge.input.0.default_size = 256x256   [gc_edge.input.0.instance_edge = true]
 *   gc_edge.outputs = 1             gc_edge.output.0.name = output      gc_edge.output.0.kind = photo
 *   gc_edge.output.0.postprocess = pm1_rgb
 *
 * Sizes are `HxW` (height x width, as in NCHW). The decoder reads contract versions up to its own,
 * ignores `gc_edge.*` keys it does not know (later versions may add optional ones), and refuses
 * anything malformed with E_MODEL_CONTRACT naming the key. A file without `gc_edge.contract` is
 * read through pre-contract.ts (files exported before contract 1), else it has no contract.
 */
import { GcError } from '../errors';
import {
  CONTRACT_VERSION,
  type ContractInput,
  type ContractOutput,
  INPUT_KINDS,
  type ModelContract,
  OUTPUT_KINDS,
  POSTPROCESSING,
  POSTPROCESSING_OF,
  PREPROCESSING,
  PREPROCESSING_OF,
  ROLES,
  type ReadContract,
  type Size,
  type SizeRule,
} from './contract';
import { preContract } from './pre-contract';

export const CONTRACT_KEY = 'gc_edge.contract';
const PREFIX = 'gc_edge.';
const REEXPORT = `re-export the model with a gc-export that writes contract ${CONTRACT_VERSION} (docs/model-contract.md)`;
/** At most this many inputs or outputs (a contract is small; a bigger count is a corrupt file). */
const MAX_TENSORS = 64;

const inputKey = (i: number, field: string): string => `${PREFIX}input.${i}.${field}`;
const outputKey = (i: number, field: string): string => `${PREFIX}output.${i}.${field}`;

function formatSize(s: Size): string {
  return `${s.height}x${s.width}`;
}

/** The contract as metadata_props entries. Throws E_MODEL_CONTRACT for a contract the decoder would refuse. */
export function encodeContract(c: ModelContract): Record<string, string> {
  const md: Record<string, string> = {
    [CONTRACT_KEY]: String(c.version),
    [`${PREFIX}family`]: c.family,
    [`${PREFIX}role`]: c.role,
    [`${PREFIX}inputs`]: String(c.inputs.length),
  };
  c.inputs.forEach((input, i) => {
    md[inputKey(i, 'name')] = input.name;
    md[inputKey(i, 'kind')] = input.kind;
    md[inputKey(i, 'channels')] = String(input.channels);
    md[inputKey(i, 'preprocess')] = input.preprocess;
    md[inputKey(i, 'size.multiple')] = String(input.size.multiple);
    md[inputKey(i, 'size.min')] = String(input.size.min);
    if (input.size.fixed) md[inputKey(i, 'size.fixed')] = formatSize(input.size.fixed);
    if (input.defaultSize) md[inputKey(i, 'default_size')] = formatSize(input.defaultSize);
    if (input.instanceEdge !== undefined) md[inputKey(i, 'instance_edge')] = String(input.instanceEdge);
  });
  md[`${PREFIX}outputs`] = String(c.outputs.length);
  c.outputs.forEach((output, i) => {
    md[outputKey(i, 'name')] = output.name;
    md[outputKey(i, 'kind')] = output.kind;
    md[outputKey(i, 'postprocess')] = output.postprocess;
  });
  // What is written must read back: a writer's mistake fails the export, not a later load.
  decodeContract(md, 'the contract being written');
  return md;
}

/**
 * The contract a model's metadata declares: from the `gc_edge.*` keys, else derived from a
 * pre-contract `architecture`; undefined for a model that declares nothing (not made by gc-export,
 * or by an architecture gc-edge never knew). `where` names the model in errors.
 */
export function decodeContract(metadata: Readonly<Record<string, string>>, where = 'model'): ReadContract | undefined {
  if (metadata[CONTRACT_KEY] === undefined) {
    const derived = preContract(metadata);
    return derived && { ...derived, origin: 'pre-contract' };
  }
  return { ...new Reader(metadata, where).contract(), origin: 'contract' };
}

/** Reads the keys one at a time; every error names the key, what it holds and what it should. */
class Reader {
  constructor(
    private readonly md: Readonly<Record<string, string>>,
    private readonly where: string,
  ) {}

  contract(): ModelContract {
    const version = this.int(CONTRACT_KEY, 1);
    if (version > CONTRACT_VERSION) {
      throw new GcError(
        'E_MODEL_CONTRACT',
        `${this.where}: metadata '${CONTRACT_KEY}' is ${version}, newer than the contract ${CONTRACT_VERSION} this gc-edge reads`,
        { hint: 'upgrade gc-edge to one that reads it, or re-export the model with this gc-export' },
      );
    }
    const family = this.text(`${PREFIX}family`);
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(family)) {
      throw this.fail(`${PREFIX}family`, `'${family.slice(0, 40)}' is not a family name (lowercase letters, digits, '.', '_', '-')`);
    }
    const role = this.choice(`${PREFIX}role`, ROLES);
    const inputs = Array.from({ length: this.count('inputs') }, (_, i) => this.input(i));
    const outputs = Array.from({ length: this.count('outputs') }, (_, i) => this.output(i));
    const names = inputs.map((t) => t.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw this.fail(`${PREFIX}inputs`, `names input '${twice}' twice`);
    return { version, family, role, inputs, outputs };
  }

  private input(i: number): ContractInput {
    const kind = this.choice(inputKey(i, 'kind'), INPUT_KINDS);
    const preprocess = this.choice(inputKey(i, 'preprocess'), PREPROCESSING);
    if (preprocess !== PREPROCESSING_OF[kind]) {
      throw this.fail(
        inputKey(i, 'preprocess'),
        `'${preprocess}' does not go with kind '${kind}' (contract ${CONTRACT_VERSION}: '${PREPROCESSING_OF[kind]}')`,
      );
    }
    const size: SizeRule = {
      multiple: this.int(inputKey(i, 'size.multiple'), 1, 1),
      min: this.int(inputKey(i, 'size.min'), 1, 1),
    };
    const fixed = this.optionalSize(inputKey(i, 'size.fixed'));
    const defaultSize = this.optionalSize(inputKey(i, 'default_size'));
    const edgeKey = inputKey(i, 'instance_edge');
    const edge = this.md[edgeKey];
    if (kind !== 'label_map' && edge !== undefined) throw this.fail(edgeKey, `is set, but input ${i} is a ${kind}, not a label_map`);
    const input: ContractInput = {
      name: this.text(inputKey(i, 'name')),
      kind,
      channels: this.int(inputKey(i, 'channels'), 1),
      preprocess,
      size: fixed ? { ...size, fixed } : size,
      ...(defaultSize ? { defaultSize } : {}),
      ...(kind === 'label_map' ? { instanceEdge: this.choice(edgeKey, ['true', 'false'] as const) === 'true' } : {}),
    };
    if (kind === 'photo' && input.channels !== 3) throw this.fail(inputKey(i, 'channels'), `is ${input.channels}; a photo has 3 (RGB)`);
    if (kind === 'label_map' && input.channels < (input.instanceEdge ? 2 : 1)) {
      throw this.fail(inputKey(i, 'channels'), `is ${input.channels}; a label map with an instance-edge channel needs at least 2`);
    }
    return input;
  }

  private output(i: number): ContractOutput {
    const kind = this.choice(outputKey(i, 'kind'), OUTPUT_KINDS);
    const postprocess = this.choice(outputKey(i, 'postprocess'), POSTPROCESSING);
    if (postprocess !== POSTPROCESSING_OF[kind]) {
      throw this.fail(
        outputKey(i, 'postprocess'),
        `'${postprocess}' does not go with kind '${kind}' (contract ${CONTRACT_VERSION}: '${POSTPROCESSING_OF[kind]}')`,
      );
    }
    return { name: this.text(outputKey(i, 'name')), kind, postprocess };
  }

  private count(what: 'inputs' | 'outputs'): number {
    const n = this.int(`${PREFIX}${what}`, 1);
    if (n > MAX_TENSORS) throw this.fail(`${PREFIX}${what}`, `is ${n}; at most ${MAX_TENSORS}`);
    return n;
  }

  private fail(key: string, what: string): GcError {
    return new GcError('E_MODEL_CONTRACT', `${this.where}: metadata '${key}' ${what}`, { hint: REEXPORT });
  }

  private text(key: string): string {
    const v = this.md[key];
    if (v === undefined || v.trim() === '') throw this.fail(key, 'is missing (the contract needs it)');
    return v;
  }

  /** A decimal integer >= min; `fallback` when the key is absent (undefined: required). */
  private int(key: string, min: number, fallback?: number): number {
    if (this.md[key] === undefined && fallback !== undefined) return fallback;
    const v = this.text(key).trim();
    const n = /^\d{1,9}$/.test(v) ? Number(v) : NaN;
    if (!(n >= min)) throw this.fail(key, `is '${v.slice(0, 40)}'; expected an integer >= ${min}`);
    return n;
  }

  private choice<T extends string>(key: string, valid: readonly T[]): T {
    const v = this.text(key).trim();
    if (!(valid as readonly string[]).includes(v)) throw this.fail(key, `is '${v.slice(0, 40)}'; should be one of: ${valid.join(', ')}`);
    return v as T;
  }

  private optionalSize(key: string): Size | undefined {
    const v = this.md[key];
    if (v === undefined) return undefined;
    const m = /^([1-9]\d{0,5})x([1-9]\d{0,5})$/.exec(v.trim());
    if (!m) throw this.fail(key, `is '${v.slice(0, 40)}'; expected HxW (height x width), e.g. 256x256`);
    return { height: Number(m[1]), width: Number(m[2]) };
  }
}
