/**
 * `gc-bench latency` as a function: model + device profile + settings -> a LatencyReport.
 * Session creation and the first inference are timed apart from the steady state; placement comes
 * from the profiling trace of the first run, so the timed runs are not profiled.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import {
  countMacs,
  gcEdgeVersion,
  GcError,
  isGcError,
  type MacConvention,
  numel,
  readContract,
  readModelForCounting,
  type ShapeOverrides,
} from '@gc-edge/core';
import { createSession, detectDevice, loadDeviceProfile, type DeviceProfile, type FloatTensor } from '@gc-edge/runtime';
import { withModelSizes } from '../contract-shapes';
import { readModelFile } from '../model-file';
import { LATENCY_REPORT_SCHEMA, type LatencyReport } from '../report/types';
import { measureEndToEnd } from './end-to-end';
import { inputShapes, seededInput, withBatch } from './inputs';
import { measure } from './measure';
import { reportPlacement } from './placement';
import { coefficientOfVariation, fps, summarize } from './stats';
import { systemInfo } from './system-info';
import { effectiveThreads } from './threads';

export interface LatencyOptions {
  readonly model: string;
  /** Profile id, profile JSON path, or `auto`. */
  readonly device: string;
  readonly threads?: number;
  readonly interOpThreads?: number;
  readonly shapes?: ShapeOverrides;
  readonly batch?: number;
  readonly warmupRuns: number;
  readonly warmupSeconds: number;
  readonly minIterations: number;
  readonly minDurationS: number;
  readonly maxIterations?: number;
  /** Seconds the timed runs may take, whatever --min-iterations asks (the warm-up gets a sixth of it); default none. */
  readonly timeBudgetS?: number;
  /** Above this coefficient of variation the run is reported unstable (default 0.1). */
  readonly cvThreshold?: number;
  readonly convention?: MacConvention;
  readonly endToEnd?: boolean;
  readonly image?: string;
  /** Progress for a bar: fraction 0..1 and a label. */
  readonly onProgress?: (fraction: number, label: string) => void;
}

export const DEFAULT_CV_THRESHOLD = 0.1;
/**
 * The CLI's time budget: a fast model still gets its 100 runs and 10 s, a 1.7 s model stops after
 * about a minute (35 runs) instead of three.
 */
export const DEFAULT_TIME_BUDGET_S = 60;
/** Fewer timed runs than this say nothing about stability: the report calls them unstable. */
export const MIN_RUNS_FOR_STABILITY = 10;

/** The counts the loop needs, checked for library callers too (the CLI checks them as it parses). */
function checkCounts(o: LatencyOptions): void {
  const bad = (flag: string, v: number, expected: string, hint?: string): never => {
    throw new GcError('E_ARGS', `${flag} ${v}: expected ${expected}`, hint ? { hint } : {});
  };
  const isInt = (v: number, min: number): boolean => Number.isSafeInteger(v) && v >= min;
  if (!isInt(o.minIterations, 1)) {
    bad(
      '--min-iterations',
      o.minIterations,
      'an integer >= 1',
      'at least one timed run is needed; for a quick check: --min-iterations 1 --min-duration 0',
    );
  }
  if (o.maxIterations !== undefined && !isInt(o.maxIterations, 1)) {
    bad('--max-iterations', o.maxIterations, 'an integer >= 1', 'at least one timed run is needed');
  }
  if (!isInt(o.warmupRuns, 0)) bad('--warmup', o.warmupRuns, 'an integer >= 0');
  if (!(o.warmupSeconds >= 0)) bad('--warmup-seconds', o.warmupSeconds, 'a number >= 0');
  if (!(o.minDurationS >= 0)) bad('--min-duration', o.minDurationS, 'a number >= 0');
  if (o.timeBudgetS !== undefined && !(o.timeBudgetS > 0)) bad('--time-budget', o.timeBudgetS, 'a number of seconds > 0');
}

function withThreads(profile: DeviceProfile, o: LatencyOptions): DeviceProfile {
  for (const [flag, v] of [['--threads', o.threads], ['--inter-op-threads', o.interOpThreads]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
      throw new GcError('E_ARGS', `${flag} ${v}: expected an integer >= 0 (0 = onnxruntime's default)`);
    }
  }
  return {
    ...profile,
    threads: { ...profile.threads, intraOp: o.threads ?? profile.threads.intraOp, interOp: o.interOpThreads ?? profile.threads.interOp },
  };
}

/** Advice printed with an unstable result. */
export function stabilityAdvice(cv: number, threshold: number): string {
  return (
    `latency varies a lot (coefficient of variation ${(cv * 100).toFixed(1)}% > ${(threshold * 100).toFixed(0)}%): ` +
    'close other programs, pin --threads to the physical cores, fix the clocks (performance governor; on Jetson ' +
    '`sudo nvpmodel -m 0 && sudo jetson_clocks`), and raise --warmup and --min-duration'
  );
}

export async function runLatency(o: LatencyOptions): Promise<LatencyReport> {
  const cvThreshold = o.cvThreshold ?? DEFAULT_CV_THRESHOLD;
  const convention = o.convention ?? 'paper';
  const warnings: string[] = [];
  checkCounts(o);
  o.onProgress?.(0, 'reading the model');
  const bytes = readModelFile(o.model);
  const model = readModelForCounting(bytes, o.model);
  const contract = readContract(model, o.model);
  const inputs = model.graph.inputs;
  // --shape and --batch first; symbolic dims they leave open run at the contract's sizes, else at
  // the size the model was exported at (macs_input_shape).
  const overrides = withModelSizes(model, contract, withBatch(inputs, o.shapes ?? {}, o.batch));
  const shapes = inputShapes(inputs, overrides);
  const firstInput = inputs[0]!;
  const firstKind = contract?.inputs.find((t) => t.name === firstInput.name)?.kind;
  if (o.endToEnd && firstKind !== undefined && firstKind !== 'photo') {
    throw new GcError(
      'E_ARGS',
      `--end-to-end times the photo pipeline, but ${o.model} says (model contract) its input '${firstInput.name}' is a ${firstKind}`,
      { hint: 'leave --end-to-end out for this model: the latency of the model itself is measured either way' },
    );
  }
  let macs: number | null = null;
  let params: number | null = null;
  try {
    const counted = countMacs(model, { convention, shapes: overrides });
    macs = counted.macs;
    params = counted.params;
  } catch (e) {
    if (!isGcError(e) || e.code !== 'E_GRAPH') throw e;
    warnings.push(`MACs not counted: ${e.message}`);
  }

  const detected = o.device === 'auto' ? detectDevice() : undefined;
  const profile = withThreads(loadDeviceProfile(detected ? detected.id : o.device), o);
  o.onProgress?.(0, `creating the session (${profile.id})`);
  const session = await createSession(o.model, profile, { name: path.basename(o.model) });
  try {
    const feeds: Record<string, FloatTensor> = {};
    for (const inp of inputs) {
      if (inp.elemType !== 'float32') {
        throw new GcError('E_ARGS', `${o.model}: input '${inp.name}' is ${inp.elemType}; gc-bench feeds float32 inputs only`);
      }
      const dims = shapes.get(inp.name)!;
      feeds[inp.name] = { data: seededInput(numel(dims)), dims };
    }
    o.onProgress?.(0, 'first inference (profiled, for placement)');
    const t0 = performance.now();
    await session.run(feeds);
    const firstRunMs = performance.now() - t0;
    const placement = await session.placement();

    const m = await measure(() => session.run(feeds), {
      warmupRuns: o.warmupRuns,
      warmupSeconds: o.warmupSeconds,
      minIterations: o.minIterations,
      minDurationS: o.minDurationS,
      ...(o.maxIterations !== undefined ? { maxIterations: o.maxIterations } : {}),
      ...(o.timeBudgetS !== undefined ? { timeBudgetS: o.timeBudgetS } : {}),
      onProgress: (p) =>
        o.onProgress?.(p.fraction, `${p.phase === 'warmup' ? 'warm-up' : 'timed'}: ${p.iterations} runs, ${p.elapsedS.toFixed(1)} s`),
    });
    const latencyMs = summarize(m.samplesMs);
    const cv = coefficientOfVariation(latencyMs);
    const enoughRuns = m.samplesMs.length >= MIN_RUNS_FOR_STABILITY;
    const stable = enoughRuns && cv <= cvThreshold;
    if (m.stoppedBy === 'time-budget') {
      warnings.push(
        `the ${o.timeBudgetS} s time budget ended the timed runs after ${m.samplesMs.length} of --min-iterations ${o.minIterations}: ` +
          'raise --time-budget for tighter percentiles',
      );
    }
    if (!enoughRuns) {
      const runs = `${m.samplesMs.length} timed run${m.samplesMs.length === 1 ? '' : 's'}`;
      warnings.push(`only ${runs}: at least ${MIN_RUNS_FOR_STABILITY} are needed to judge stability`);
    } else if (!stable) warnings.push(stabilityAdvice(cv, cvThreshold));
    for (const a of session.attempts) if (!a.ok) warnings.push(`${a.provider} provider unavailable: ${a.error ?? 'failed to load'}`);
    // the one rule for what a profile's precision becomes on a provider (runtime's appliedPrecision)
    const applied = session.attempts.find((a) => a.ok)?.precision;
    if (applied !== undefined) warnings.push(`precision on ${session.provider}: ${applied}`);
    const inputShape = shapes.get(firstInput.name)!;
    const batch = inputShape[0] ?? 1;

    let endToEnd = null;
    if (o.endToEnd) {
      o.onProgress?.(0, 'end-to-end: image pipeline');
      endToEnd = await measureEndToEnd(session, firstInput.name, inputShape, {
        warmupRuns: Math.min(o.warmupRuns, 3),
        warmupSeconds: 0,
        minIterations: Math.max(1, Math.min(o.minIterations, 30)),
        minDurationS: Math.min(o.minDurationS, 3),
        ...(o.image ? { image: o.image } : {}),
      });
    }

    const sys = systemInfo();
    const md = model.metadata;
    return {
      schema: LATENCY_REPORT_SCHEMA,
      createdAt: new Date().toISOString(),
      tool: { name: 'gc-bench', version: gcEdgeVersion() },
      model: {
        path: o.model,
        name: path.basename(o.model).replace(/\.onnx$/i, ''),
        sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.length,
        macs,
        macsPerImage: macs === null ? null : macs / batch,
        params,
        macsConvention: convention,
        inputShape,
        architecture: md['architecture'] || null,
        config: md['config'] || null,
        family: contract?.family ?? null,
        role: contract?.role ?? null,
      },
      device: {
        profile: profile.id,
        profileName: profile.name,
        detectedBy: detected ? detected.reason : null,
        cpu: sys.cpu,
        gpu: sys.gpu,
        os: sys.os,
        node: sys.node,
        onnxruntime: sys.onnxruntime,
      },
      session: {
        executionProviders: session.attempts.map((a) =>
          a.ok ? { provider: a.provider, ok: true } : { provider: a.provider, ok: false, error: a.error ?? '' },
        ),
        provider: session.provider,
        placement: reportPlacement(placement, session.info.graphNodes ?? model.graph.nodes.length),
        createMs: session.loadMs,
        firstRunMs,
      },
      settings: {
        batch,
        inputShape,
        threads: effectiveThreads(profile.threads),
        precision: profile.precision,
        graphOptimizationLevel: profile.graphOptimizationLevel,
        warmupRuns: m.warmupRuns,
        warmupSeconds: m.warmupS,
        minIterations: o.minIterations,
        minDurationS: o.minDurationS,
        timeBudgetS: o.timeBudgetS ?? null,
        stoppedBy: m.stoppedBy,
        iterations: m.samplesMs.length,
        durationS: m.durationS,
        cvThreshold,
        endToEnd: o.endToEnd === true,
      },
      latencyMs,
      fps: fps(batch, latencyMs.mean),
      stable,
      cv,
      samplesMs: m.samplesMs,
      endToEnd,
      reference: [...(profile.reference ?? [])],
      warnings,
    };
  } finally {
    await session.release();
  }
}
