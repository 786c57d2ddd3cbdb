/**
 * `gc-bench accuracy` as a function: the same inputs through a reference and a candidate — two
 * models, or one model on two device profiles (the candidate's `device`, the reference's `against`)
 * — every output compared with core's compareTensors, the gate applied, and optionally a bisection
 * to the first diverging node. The gate's verdict is in the report; the CLI turns a failure into
 * E_ACCURACY (exit status 3) after writing the reports.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { compareTensors, gcEdgeVersion, GcError, readContract, readModelForCounting, type ShapeOverrides } from '@gc-edge/core';
import { createSession, detectDevice, loadDeviceProfile, type DeviceProfile, type GcSession, type TensorMap } from '@gc-edge/runtime';
import { withModelSizes } from '../contract-shapes';
import { inputShapes } from '../latency/inputs';
import { readModelFile } from '../model-file';
import { bisect } from './bisect';
import { applyGate, summarize } from './summary';
import { folderSamples, syntheticSamples, type AccuracySample } from './inputs';
import { ACCURACY_REPORT_SCHEMA, type AccuracyReport, type AccuracySide, type OutputError, type SampleResult } from './types';

export interface AccuracyOptions {
  /** The reference model (its outputs are the expected ones). */
  readonly reference: string;
  /** The candidate model; default the reference model itself (then the two profiles must differ). */
  readonly candidate?: string;
  /** The candidate's device profile (id, file or auto); default cpu. */
  readonly device?: string;
  /** The reference's device profile; default cpu. */
  readonly against?: string;
  readonly shapes?: ShapeOverrides;
  /** A folder (or one file) of images / label maps; default synthetic seeded inputs. */
  readonly inputs?: string;
  /** Synthetic samples (default 1) and the first seed (default 1). */
  readonly samples?: number;
  readonly seed?: number;
  readonly maxAbs?: number;
  readonly minPsnrDb?: number;
  readonly bisect?: boolean;
  readonly atol?: number;
  readonly rtol?: number;
  readonly onProgress?: (fraction: number, label: string) => void;
}

interface Loaded {
  readonly file: string;
  readonly bytes: Buffer;
  readonly profile: DeviceProfile;
}

function load(file: string, device: string): Loaded {
  return { file, bytes: readModelFile(file), profile: loadDeviceProfile(device === 'auto' ? detectDevice().id : device) };
}

function side(l: Loaded, session: GcSession, precision: string): AccuracySide {
  return {
    path: l.file,
    name: path.basename(l.file).replace(/\.onnx$/i, ''),
    sha256: crypto.createHash('sha256').update(l.bytes).digest('hex'),
    profile: l.profile.id,
    provider: session.provider,
    attempts: session.attempts.map((a) =>
      a.ok ? { provider: a.provider, ok: true } : { provider: a.provider, ok: false, error: a.error ?? '' },
    ),
    precision,
  };
}

function outputErrors(ref: TensorMap, cand: TensorMap, where: string): OutputError[] {
  return Object.entries(ref).map(([name, r]) => {
    const c = cand[name];
    if (!c) throw new GcError('E_ARGS', `${where}: the candidate has no output '${name}' (it has ${Object.keys(cand).join(', ')})`);
    if (c.dims.join('x') !== r.dims.join('x')) {
      const shapes = `${c.dims.join('x')} in the candidate but ${r.dims.join('x')} in the reference`;
      throw new GcError('E_ARGS', `${where}: output '${name}' is ${shapes}`);
    }
    const cmp = compareTensors(c.data, r.data, { shape: r.dims });
    return {
      output: name,
      shape: [...r.dims],
      maxAbs: cmp.maxAbs,
      meanAbs: cmp.meanAbs,
      rms: cmp.rms,
      psnrDb: cmp.psnrDb,
      range: cmp.range,
      worst: { at: cmp.worst.at, candidate: cmp.worst.actual, reference: cmp.worst.expected },
    };
  });
}

/** What a side computes in: the model's `gc_edge.precision` metadata (gc-export --precision), else fp32. */
function modelPrecision(metadata: Readonly<Record<string, string>>): string {
  return metadata['gc_edge.precision'] || 'fp32';
}

export async function runAccuracy(o: AccuracyOptions): Promise<AccuracyReport> {
  const warnings: string[] = [];
  const progress = o.onProgress ?? (() => undefined);
  const refFile = load(o.reference, o.against ?? 'cpu');
  const candFile = load(o.candidate ?? o.reference, o.device ?? 'cpu');
  if (o.candidate === undefined && refFile.profile.id === candFile.profile.id) {
    throw new GcError('E_ARGS', `one model on one device (${refFile.profile.id}) would be compared with itself`, {
      hint: 'name a second model (gc-bench accuracy ref.onnx candidate.onnx), or a device: --device desktop-cuda --against cpu',
    });
  }
  progress(0, 'reading the models');
  const model = readModelForCounting(refFile.bytes, refFile.file);
  const candModel = readModelForCounting(candFile.bytes, candFile.file);
  const contract = readContract(model, refFile.file);
  const shapes = inputShapes(model.graph.inputs, withModelSizes(model, contract, o.shapes ?? {}));
  let samples: AccuracySample[];
  if (o.inputs !== undefined) {
    if (model.graph.inputs.length !== 1) {
      throw new GcError('E_ARGS', `--inputs: ${refFile.file} has ${model.graph.inputs.length} inputs; a folder feeds single-input models`);
    }
    const input = model.graph.inputs[0]!;
    samples = await folderSamples(o.inputs, input, contract?.inputs.find((t) => t.name === input.name), shapes.get(input.name)!);
  } else {
    samples = syntheticSamples(model.graph.inputs, contract?.inputs ?? [], shapes, o.samples ?? 1, o.seed ?? 1);
  }

  progress(0, `creating the sessions (${refFile.profile.id}, ${candFile.profile.id})`);
  const refSession = await createSession(refFile.bytes, refFile.profile, { name: refFile.file, profiling: false });
  let candSession: GcSession;
  try {
    candSession = await createSession(candFile.bytes, candFile.profile, { name: candFile.file, profiling: false });
  } catch (e) {
    await refSession.release();
    throw e;
  }
  const results: SampleResult[] = [];
  try {
    for (const [i, s] of samples.entries()) {
      progress(i / samples.length, `sample ${i + 1} of ${samples.length}: ${s.input}`);
      const ref = await refSession.run(s.feeds);
      const cand = await candSession.run(s.feeds);
      results.push({ input: s.input, outputs: outputErrors(ref, cand, s.input) });
    }
  } finally {
    await refSession.release();
    await candSession.release();
  }
  const reference = side(refFile, refSession, modelPrecision(model.metadata));
  const candidate = side(candFile, candSession, modelPrecision(candModel.metadata));
  for (const [who, s] of [['reference', refSession], ['candidate', candSession]] as const) {
    for (const a of s.attempts) if (!a.ok) warnings.push(`${who}: ${a.provider} provider unavailable: ${a.error ?? 'failed to load'}`);
  }
  if (o.candidate === undefined && reference.provider === candidate.provider) {
    warnings.push(`both sides ran on the ${reference.provider} provider: this compares a provider with itself`);
  }
  const summary = summarize(results);
  const gate = applyGate(summary, o.maxAbs, o.minPsnrDb);

  let bisected = null;
  if (o.bisect) {
    // the sample with the largest error shows the divergence most clearly
    const worstOf = (r: SampleResult): number => Math.max(...r.outputs.map((x) => x.maxAbs));
    const worstAt = results.reduce((w, r, i) => (worstOf(r) > worstOf(results[w]!) ? i : w), 0);
    bisected = await bisect(
      { bytes: refFile.bytes, name: refFile.file, profile: refFile.profile },
      { bytes: candFile.bytes, name: candFile.file, profile: candFile.profile },
      samples[worstAt]!,
      { ...(o.atol !== undefined ? { atol: o.atol } : {}), ...(o.rtol !== undefined ? { rtol: o.rtol } : {}), onProgress: progress },
    );
  }
  return {
    schema: ACCURACY_REPORT_SCHEMA,
    createdAt: new Date().toISOString(),
    tool: { name: 'gc-bench', version: gcEdgeVersion() },
    reference,
    candidate,
    inputs: o.inputs ?? `synthetic (seeded from ${o.seed ?? 1})`,
    inputShapes: Object.fromEntries(shapes),
    samples: results,
    summary,
    gate,
    bisect: bisected,
    warnings,
  };
}
