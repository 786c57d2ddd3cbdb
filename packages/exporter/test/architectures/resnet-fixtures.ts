/** The upstream golden fixtures for the ResNet family, and a harness that builds and runs their graphs. */
import { readFileSync } from 'fs';
import { join } from 'path';
import * as ort from 'onnxruntime-node';
import { encodeModel, GraphBuilder, parseNpy, type Graph, type StateDict } from '@gc-edge/core';
import { getArchitecture, loadStateDict, runReference } from '@gc-edge/exporter';
import type { SubnetSpec } from '../../src/subnet/spec';
import { RESNET_FIXTURES } from '../../../../test/support/fixtures';

export { RESNET_FIXTURES };

export interface GoldenCase {
  readonly architecture: string;
  readonly config: string | null;
  readonly ngf: number;
  readonly weights: Readonly<Record<string, string>>;
  readonly input: string;
  readonly expected: string;
}

export interface GoldenManifest {
  readonly tolerance: { readonly maxAbs: number };
  readonly cases: readonly GoldenCase[];
}

export function loadManifest(dir = RESNET_FIXTURES): GoldenManifest {
  return JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as GoldenManifest;
}

export function loadFloatNpy(dir: string, file: string): { dims: number[]; data: Float32Array } {
  const a = parseNpy(readFileSync(join(dir, file)), file);
  if (a.dtype !== 'float32') throw new Error(`${file}: expected float32, got ${a.dtype}`);
  return { dims: [...a.shape], data: a.data as Float32Array };
}

const stateDicts = new Map<string, StateDict>();
export function weightsFor(dir: string, file: string): StateDict {
  const path = join(dir, file);
  let sd = stateDicts.get(path);
  if (!sd) stateDicts.set(path, (sd = loadStateDict(path)));
  return sd;
}

export function specFor(c: GoldenCase, dims: readonly number[]): SubnetSpec {
  const [batch, channels, height, width] = dims as [number, number, number, number];
  return {
    source: '<golden test>',
    architecture: c.architecture,
    config: c.config === null ? null : c.config.split('_').map(Number),
    weights: null,
    ngf: c.ngf,
    input: { batch, channels, height, width },
    output: { channels: 3 },
    extras: {},
  };
}

/** input (NCHW float32) -> the architecture's body -> output, as the export pipeline wraps it. */
export function buildGraph(spec: SubnetSpec, weights: StateDict, opset = 13): Graph {
  const arch = getArchitecture(spec.architecture);
  const g = new GraphBuilder(spec.architecture, opset);
  const { batch, channels, height, width } = spec.input;
  const input = g.input({ name: 'input', elemType: 'float32', shape: [batch, channels, height, width] });
  const body = arch.build(g, input, weights, spec, arch.inferNgf(weights));
  g.rename(body, 'output');
  g.output({ name: 'output', elemType: 'float32', shape: [batch, spec.output.channels, height, width] });
  return g.finish();
}

export function runReferenceF32(graph: Graph, dims: readonly number[], data: Float32Array): Float64Array {
  return runReference(graph, { input: { dims, data: Float64Array.from(data) } })['output']!.data;
}

export async function runOnnxruntime(graph: Graph, opset: number, dims: readonly number[], data: Float32Array): Promise<Float32Array> {
  const bytes = encodeModel({ graph, opset, producerName: 'gc-edge-test', producerVersion: '0', metadata: {} });
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 1,
  });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', data, [...dims]) });
    return out['output']!.data as Float32Array;
  } finally {
    await session.release();
  }
}

export { maxAbsDiff } from '@gc-edge/core';
