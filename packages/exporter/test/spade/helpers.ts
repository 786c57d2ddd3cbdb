/** Shared by the mobile_spade tests: fixture paths, cases.json, a tiny safetensors writer, graph runners. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { mobileSpade } from '../../src/architectures/mobile-spade';
import { encodeModel, type Graph, GraphBuilder, type Model, parseNpy, type StateDict } from '@gc-edge/core';
import type { SubnetSpec } from '../../src/subnet/spec';
import { SPADE_FIXTURES } from '../../../../test/support/fixtures';

export const REPO = path.resolve(__dirname, '../../../..');
export { SPADE_FIXTURES };

export interface SpadeCase {
  readonly architecture: string;
  readonly config: string;
  readonly ngf: number;
  readonly weights: { readonly pth: string };
  readonly semanticChannels: number;
  readonly labelChannels: number;
  readonly containDontcareLabel: boolean;
  readonly cropSize: number;
  readonly aspectRatio: number;
  readonly numUpsamplingLayers: string;
  readonly input: string;
  readonly expected: string;
}

export interface SpadeCases {
  readonly tolerance: { readonly maxAbs: number };
  readonly cases: readonly SpadeCase[];
}

export function loadSpadeCases(): SpadeCases {
  return JSON.parse(fs.readFileSync(path.join(SPADE_FIXTURES, 'cases.json'), 'utf8')) as SpadeCases;
}

export function loadFloatNpy(file: string): { shape: readonly number[]; data: Float32Array } {
  const arr = parseNpy(fs.readFileSync(path.join(SPADE_FIXTURES, file)), file);
  if (arr.dtype !== 'float32') throw new Error(`${file}: expected float32, got ${arr.dtype}`);
  return { shape: arr.shape, data: arr.data as Float32Array };
}

/** A SubnetSpec for a fixture case, built in code (no subnet.json, no registry lookup). */
export function caseSpec(c: SpadeCase, weights: string | null, extras: Record<string, unknown> = {}): SubnetSpec {
  const draft: SubnetSpec = {
    source: `cases.json ${c.config}`,
    architecture: c.architecture,
    config: c.config.split('_').map(Number),
    weights,
    ngf: c.ngf,
    input: { batch: 1, channels: c.semanticChannels, height: 1, width: 1 },
    output: { channels: 3 },
    extras: {
      semanticChannels: c.semanticChannels,
      cropSize: c.cropSize,
      aspectRatio: c.aspectRatio,
      numUpsamplingLayers: c.numUpsamplingLayers,
      ...extras,
    },
  };
  return { ...draft, input: mobileSpade.resolveInput(draft, undefined) };
}

/** The mobile_spade graph for `spec` with input `input` and output `output`. */
export function buildSpadeGraph(spec: SubnetSpec, weights: StateDict, opset = 13): Graph {
  const g = new GraphBuilder(`mobile_spade_${spec.config!.join('_')}`, opset);
  const { batch, channels, height, width } = spec.input;
  const input = g.input({ name: 'input', elemType: 'float32', shape: [batch, channels, height, width] });
  g.rename(mobileSpade.build(g, input, weights, spec, spec.ngf!), 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [batch, 3, height, width] });
  return g.finish();
}

export function modelOf(graph: Graph, opset = 13): Model {
  return { graph, opset, producerName: 'gc-edge-test', producerVersion: '0', metadata: {} };
}

/**
 * Runs an encoded model on onnxruntime-node (CPU, 1 thread: tests share the machine). Works in jest
 * thanks to test/support/jest-environment.js (typed arrays of one realm; see that file).
 */
export async function runOnnxRuntimeBytes(model: Uint8Array, input: Float32Array, dims: readonly number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', input, [...dims]) });
    return out['output']!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Encodes the graph and runs it on onnxruntime-node. */
export function runOnnxRuntime(graph: Graph, input: Float32Array, dims: readonly number[], opset = 13): Promise<Float32Array> {
  return runOnnxRuntimeBytes(encodeModel(modelOf(graph, opset)), input, dims);
}

export { maxAbsDiff } from '@gc-edge/core';

/**
 * A minimal safetensors writer (header JSON + little-endian data): F32 for everything but
 * `num_batches_tracked`, which PyTorch stores as int64 (I64 here too, to exercise that reader path).
 */
export function writeSafetensors(dict: StateDict): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  const blobs: Buffer[] = [];
  let offset = 0;
  for (const [key, t] of dict) {
    const asInt = key.endsWith('num_batches_tracked');
    const bytes = asInt
      ? Buffer.from(BigInt64Array.from(t.data, (v) => BigInt(Math.round(v))).buffer)
      : Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[key] = { dtype: asInt ? 'I64' : 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    blobs.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([head, Buffer.from(json, 'utf8'), ...blobs]);
}
