/**
 * The export pipeline: subnet spec (+ weights) -> a pruned ONNX model. Pure apart from reading the
 * weights file; the CLI, the daemon's tests and the benchmarks all call this.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { Architecture, WeightsKind } from './architectures/architecture';
import { getArchitecture } from './architectures/registry';
import { buildBody, detectWeightsForm, expectedShapes, randomInitForm, type NgfSource } from './architectures/weights-form';
import {
  CONTRACT_VERSION,
  countMacs,
  type Dim,
  encodeContract,
  encodeModel,
  gcEdgeVersion,
  GcError,
  GraphBuilder,
  type Model,
  type ModelContract,
  type ModelPrecision,
  POSTPROCESSING_OF,
  type Precision,
  PREPROCESSING_OF,
  readContract,
  readRegularFile,
  type StateDict,
} from '@gc-edge/core';
import { DEFAULT_OPSET, checkOpset } from './ops/opset';
import { withPrecision } from './precision';
import { randomStateDict } from './random-init';
import { formatConfig } from './subnet/config';
import type { SubnetSpec } from './subnet/spec';
import { checkStateDict } from './weights/check';
import { readStateDict } from './weights/read';
import { foldSpectralNorm } from './weights/spectral-norm';

export { DEFAULT_OPSET, MIN_OPSET, MAX_OPSET } from './ops/opset';

export interface ExportOptions {
  /** ONNX opset, 11-17; 13 by default (what JetPack-era TensorRT parsers accept). */
  readonly opset?: number;
  /** Symbolic batch/height/width instead of the fixed input size. */
  readonly dynamic?: boolean;
  /** Synthesise seeded weights instead of reading `spec.weights`. */
  readonly randomInit?: { readonly seed: number };
  /** fp32 (the default) or fp16 (InstanceNorm and the final Tanh kept in float32: precision/). */
  readonly precision?: Precision;
  /** The graph inputs' and outputs' type with fp16: fp32 (the default) or fp16. */
  readonly io?: Precision;
  /** Progress callback for long stages (the CLI prints these on a TTY). */
  readonly onStage?: (stage: string) => void;
}

export interface ExportSummary {
  readonly architecture: string;
  readonly config: string | null;
  /** The supernet width; null for a ResNet sub-network checkpoint whose subnet.json declares none. */
  readonly ngf: number | null;
  /** Where ngf came from: subnet.json, the weights, or the --random-init default (null with ngf). */
  readonly ngfSource: NgfSource;
  /** What the weights held: a supernet (sliced), the config's sub-network (taken as is), a full generator. */
  readonly weightsKind: WeightsKind;
  readonly opset: number;
  readonly inputShape: readonly Dim[];
  /** The concrete input shape MACs and params were counted at (the export size; = inputShape when static). */
  readonly macsInputShape: readonly number[];
  readonly outputShape: readonly Dim[];
  readonly params: number;
  readonly macs: number;
  readonly weights: string;
  readonly weightsSha256: string | null;
  readonly bytes: number;
  /** The precision the graph computes in, its inputs' and outputs' type, the nodes kept in float32. */
  readonly precision: ModelPrecision;
}

export interface ExportResult {
  readonly model: Model;
  /** The float32 model `model` was made from (the same one for fp32): what --verify's reference runs. */
  readonly reference: Model;
  readonly bytes: Uint8Array;
  readonly summary: ExportSummary;
}

export interface ResolvedWeights {
  readonly weights: StateDict;
  readonly kind: WeightsKind;
  readonly ngf: number | null;
  readonly ngfSource: NgfSource;
  /** The file's sha256; null for --random-init. */
  readonly sha256: string | null;
}

/**
 * Loads (or synthesises) the weights for a spec and tells their form (supernet, sub-network of the
 * config, full generator) from their shapes; returns them with the file's sha256.
 */
export function resolveWeights(spec: SubnetSpec, options: ExportOptions): ResolvedWeights {
  const arch = getArchitecture(spec.architecture, spec.source);
  if (options.randomInit) {
    const { kind, ngf, ngfSource } = randomInitForm(arch, spec, arch.defaultNgf);
    const { shapes } = expectedShapes(arch, spec, { kind, ngf });
    return { weights: randomStateDict(shapes, options.randomInit.seed), kind, ngf, ngfSource, sha256: null };
  }
  if (!spec.weights) {
    throw new GcError('E_SUBNET_JSON', `${spec.source}: "weights" is required`, { hint: 'or pass --random-init [seed]' });
  }
  options.onStage?.(`reading ${spec.weights}`);
  let bytes: Buffer;
  try {
    bytes = readRegularFile(spec.weights);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new GcError('E_WEIGHTS_IO', `${spec.weights}: cannot read the weights (${code}), named by ${spec.source}`, {
      hint: '"weights" is resolved relative to the subnet.json file',
      cause: e,
    });
  }
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const weights = foldSpectralNorm(readStateDict(bytes, spec.weights), spec.weights);
  const { kind, ngf, ngfSource } = detectWeightsForm(arch, spec, weights);
  return { weights, kind, ngf, ngfSource, sha256 };
}

/**
 * The model contract for the exported graph: the architecture's declaration, with the graph's
 * names and channels, the export size as the default size, and each kind's pre/postprocessing.
 */
export function modelContract(arch: Architecture, spec: SubnetSpec): ModelContract {
  const c = arch.contract(spec);
  const { height, width } = spec.input;
  return {
    version: CONTRACT_VERSION,
    family: c.family,
    role: c.role,
    inputs: [
      {
        name: 'input',
        kind: c.input.kind,
        channels: spec.input.channels,
        preprocess: PREPROCESSING_OF[c.input.kind],
        size: c.input.size,
        defaultSize: { height, width },
        ...(c.input.instanceEdge !== undefined ? { instanceEdge: c.input.instanceEdge } : {}),
      },
    ],
    outputs: [{ name: 'output', kind: c.output.kind, postprocess: POSTPROCESSING_OF[c.output.kind] }],
  };
}

/**
 * Builds the ONNX model for a spec from already-loaded weights of `weightsKind` (default: the supernet,
 * or the full generator of an architecture without a config); `ngf` may be null only for a sub-network.
 */
export function buildModel(
  spec: SubnetSpec,
  weights: StateDict,
  ngf: number | null,
  options: ExportOptions & { readonly weightsSha256?: string | null; readonly weightsKind?: WeightsKind } = {},
): Model {
  const arch = getArchitecture(spec.architecture, spec.source);
  const opset = options.opset ?? DEFAULT_OPSET;
  checkOpset(opset, '--opset');
  const form = { kind: options.weightsKind ?? (arch.subnet ? 'supernet' : 'full'), ngf } as const;
  const { shapes, what } = expectedShapes(arch, spec, form);
  checkStateDict(weights, shapes, spec.weights ?? 'random-init weights', what);
  if (ngf !== null) arch.checkConfig(spec.config, ngf, spec);

  options.onStage?.('building the graph');
  const { batch, channels, height, width } = spec.input;
  const g = new GraphBuilder(spec.config ? `${arch.name}_${formatConfig(spec.config)}` : arch.name, opset);
  const inputShape: Dim[] = options.dynamic ? ['batch', channels, 'height', 'width'] : [batch, channels, height, width];
  const input = g.input({ name: 'input', elemType: 'float32', shape: inputShape });
  const body = buildBody(arch, g, input, weights, spec, form);
  g.rename(body, 'output');
  const outputShape: Dim[] = options.dynamic
    ? ['batch', spec.output.channels, 'height', 'width']
    : [batch, spec.output.channels, height, width];
  g.output({ name: 'output', elemType: 'float32', shape: outputShape });
  const graph = g.finish();

  const draft: Model = {
    graph,
    opset,
    producerName: 'gc-edge',
    producerVersion: gcEdgeVersion(),
    docString: `${arch.description} exported by gc-export`,
    metadata: {},
  };
  const measured: Model = options.dynamic
    ? { ...draft, graph: { ...graph, inputs: [{ ...graph.inputs[0]!, shape: [batch, channels, height, width] }] } }
    : draft;
  const counted = countMacs(measured, { convention: 'paper' });
  // The old keys stay for people and older readers; consumers read the contract (docs/model-contract.md).
  const metadata: Record<string, string> = {
    architecture: arch.name,
    config: spec.config ? formatConfig(spec.config) : '',
    ngf: ngf === null ? '' : String(ngf),
    weights_kind: form.kind,
    weights_sha256: options.weightsSha256 ?? '',
    // The file's name only: an absolute path would leak the build machine's layout into the model.
    weights: options.randomInit ? `random-init seed ${options.randomInit.seed}` : spec.weights ? path.basename(spec.weights) : '',
    macs: String(counted.macs),
    macs_convention: 'paper',
    macs_input_shape: [batch, channels, height, width].join('x'),
    params: String(counted.params),
    gc_edge_version: gcEdgeVersion(),
  };
  for (const key of arch.extraFields) {
    const v = spec.extras[key];
    if (v !== undefined) metadata[key] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  Object.assign(metadata, encodeContract(modelContract(arch, spec)));
  const model: Model = { ...draft, metadata };
  readContract(model, `${arch.name} export`); // the contract must fit the graph it was written for
  return model;
}

/** The whole job: weights -> model -> bytes + a summary. Writes nothing. */
export function exportSubnet(spec: SubnetSpec, options: ExportOptions = {}): ExportResult {
  const { weights, kind, ngf, ngfSource, sha256 } = resolveWeights(spec, options);
  if (kind === 'supernet') options.onStage?.('slicing the supernet');
  const reference = buildModel(spec, weights, ngf, { ...options, weightsSha256: sha256, weightsKind: kind });
  if (options.precision && options.precision !== 'fp32') options.onStage?.(`converting to ${options.precision}`);
  const { model, precision } = withPrecision(reference, options);
  options.onStage?.('serialising');
  const bytes = encodeModel(model);
  const m = model.metadata;
  return {
    model,
    reference,
    bytes,
    summary: {
      architecture: spec.architecture,
      config: spec.config ? formatConfig(spec.config) : null,
      ngf,
      ngfSource,
      weightsKind: kind,
      opset: model.opset,
      inputShape: model.graph.inputs[0]!.shape,
      macsInputShape: (m['macs_input_shape'] ?? '').split('x').map(Number),
      outputShape: model.graph.outputs[0]!.shape,
      params: Number(m['params']),
      macs: Number(m['macs']),
      weights: options.randomInit ? (m['weights'] ?? '') : (spec.weights ?? ''),
      weightsSha256: sha256,
      bytes: bytes.length,
      precision,
    },
  };
}
